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

/**
 * Every AWS region that exists (commercial, GovCloud, China and the European Sovereign Cloud), as
 * AWS lists them in December 2026. A region newer than this table is refused unless the caller
 * says it exists (`allowUnlistedRegion`), so a typo such as `eu-west-7` cannot synthesize.
 */
export const AWS_REGIONS: readonly string[] = [
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-6",
  "ap-southeast-7",
  "ca-central-1",
  "ca-west-1",
  "cn-north-1",
  "cn-northwest-1",
  "eu-central-1",
  "eu-central-2",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eusc-de-east-1",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "mx-central-1",
  "sa-east-1",
  "us-east-1",
  "us-east-2",
  "us-gov-east-1",
  "us-gov-west-1",
  "us-west-1",
  "us-west-2",
];

/** Whether `region` is in {@link AWS_REGIONS}. */
export function isListedRegion(region: string): boolean {
  return AWS_REGIONS.includes(region);
}

const ALL_LETTERS = "abcdefghijklmnopqrstuvwxyz".split("");

/** Shape of a region name, e.g. `eu-west-2` or `us-gov-west-1`. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The AZ letters of `region`: the known list, or every letter for an unknown region. */
export function azLetters(region: string): readonly string[] {
  return KNOWN_AZ_LETTERS[region] ?? ALL_LETTERS;
}

/**
 * The first `count` AZ names of `region` (`<region>a`, `<region>b`, ... by its known letters): the
 * zones a network takes when it is not given any, and the one place they are derived.
 */
export function defaultAvailabilityZones(region: string, count: number): string[] {
  return azLetters(region)
    .slice(0, count)
    .map((letter) => `${region}${letter}`);
}

/** The most AZs a network in `region` may span. */
export function maxAzCount(region: string): number {
  return Math.min(azLetters(region).length, MAX_AZS);
}

/** Whether `region` is in {@link KNOWN_AZ_LETTERS}. */
export function isKnownRegion(region: string): boolean {
  return region in KNOWN_AZ_LETTERS;
}
