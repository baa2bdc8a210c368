import { Token } from "cdktf";

/** Directory of systemd-resolved drop-ins. */
export const RESOLVED_DROP_IN_DIR = "/etc/systemd/resolved.conf.d";

/**
 * Bash for EC2 user data that makes systemd-resolved send `zoneName` to the VPC resolver.
 *
 * systemd-resolved treats `.local` as multicast DNS and never asks unicast servers for it unless
 * a search or routing domain matches. `Domains=~<zone>` is that routing domain (attached to the
 * global `DNS=` server); `MulticastDNS=no` turns mDNS off host-wide, which costs nothing on EC2
 * because VPCs do not carry multicast.
 */
export function renderHostDnsUserData(zoneName: string, resolverAddress: string): string {
  return [
    `# Network module: resolve ${zoneName} through the VPC resolver (${resolverAddress}), not multicast DNS.`,
    `install -d -m 0755 ${RESOLVED_DROP_IN_DIR}`,
    `cat > ${RESOLVED_DROP_IN_DIR}/${zoneName}.conf <<'EOF'`,
    "[Resolve]",
    `DNS=${resolverAddress}`,
    `Domains=~${zoneName}`,
    "MulticastDNS=no",
    "EOF",
    "systemctl restart systemd-resolved",
    "",
  ].join("\n");
}

/** Whether hosts need {@link renderHostDnsUserData} to resolve `zoneName` (false when unknown). */
export function needsHostDns(zoneName: string): boolean {
  return !Token.isUnresolved(zoneName) && zoneName.endsWith(".local");
}

/** The synth-time warning for a `.local` zone whose hosts were not configured. */
export function unwiredLocalZoneWarning(zoneName: string): string {
  return (
    `Zone ${zoneName} ends in .local: systemd-resolved on Amazon Linux 2023 sends .local names to ` +
    "multicast DNS, not to the VPC resolver, so hosts will not resolve it. Add network.hostDnsUserData() " +
    "to the instances' user data, or choose a zoneName outside .local."
  );
}
