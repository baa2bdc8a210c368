/** A parsed IPv4 CIDR block. */
export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly base: number;
  /** Prefix length, 0 to 32. */
  readonly prefix: number;
}

// No leading zeros: Terraform (Go net.ParseCIDR) rejects "010.0.0.0/16".
const CIDR_PATTERN = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\/(0|[1-9]\d?)$/;

/** Why `text` is not a valid IPv4 CIDR block with no host bits set, or `undefined` if it is. */
export function cidrProblem(text: string): string | undefined {
  const match = CIDR_PATTERN.exec(text);
  if (!match) return "be an IPv4 CIDR block a.b.c.d/n (decimal, no leading zeros)";
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((octet) => octet > 255)) return "have octets from 0 to 255";
  const prefix = Number(match[5]);
  if (prefix > 32) return "have a prefix length from 0 to 32";
  const address = toUint32(octets);
  if (address % 2 ** (32 - prefix) !== 0) {
    return `have no host bits set (the network address is ${formatIpv4(networkAddress(address, prefix))}/${prefix})`;
  }
  return undefined;
}

/** Parses a CIDR block that {@link cidrProblem} accepted. */
export function parseCidr(text: string): Ipv4Cidr {
  const problem = cidrProblem(text);
  if (problem) throw new Error(`${text} must ${problem}`);
  const [address, prefix] = text.split("/");
  return { base: toUint32(address.split(".").map(Number)), prefix: Number(prefix) };
}

/** Like Terraform's `cidrsubnet(cidr, newBits, netnum)`, for a literal block. */
export function cidrSubnet(cidr: Ipv4Cidr, newBits: number, netnum: number): string {
  const prefix = cidr.prefix + newBits;
  return `${formatIpv4(cidr.base + netnum * 2 ** (32 - prefix))}/${prefix}`;
}

/** Like Terraform's `cidrhost(cidr, hostnum)`, for a literal block. */
export function cidrHost(cidr: Ipv4Cidr, hostnum: number): string {
  return formatIpv4(cidr.base + hostnum);
}

function toUint32(octets: readonly number[]): number {
  return octets.reduce((value, octet) => value * 256 + octet, 0);
}

function networkAddress(address: number, prefix: number): number {
  const size = 2 ** (32 - prefix);
  return Math.floor(address / size) * size;
}

function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}
