/** Most availability zones one network spans (private subnet netnums start at this value). */
export const MAX_AZS = 8;

/**
 * Availability zone letters of common regions. A region not listed here falls back to the
 * `<region>[a-z]` shape check with up to {@link MAX_AZS} zones.
 */
export const KNOWN_AZ_LETTERS: Readonly<Record<string, readonly string[]>> = {
  "eu-west-1": ["a", "b", "c"],
  "eu-west-2": ["a", "b", "c"],
  "eu-central-1": ["a", "b", "c"],
  "us-east-1": ["a", "b", "c", "d", "e", "f"],
  "us-west-2": ["a", "b", "c", "d"],
};

const ALL_LETTERS = "abcdefghijklmnopqrstuvwxyz".split("");

/** Shape of a region name, e.g. `eu-west-2` or `us-gov-west-1`. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The AZ letters of `region`: the known list, or every letter for an unknown region. */
export function azLetters(region: string): readonly string[] {
  return KNOWN_AZ_LETTERS[region] ?? ALL_LETTERS;
}

/** The most AZs a network in `region` may span. */
export function maxAzCount(region: string): number {
  return Math.min(azLetters(region).length, MAX_AZS);
}

/** Whether `region` is in {@link KNOWN_AZ_LETTERS}. */
export function isKnownRegion(region: string): boolean {
  return region in KNOWN_AZ_LETTERS;
}
