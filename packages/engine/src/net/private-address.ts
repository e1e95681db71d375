import { BlockList, isIP } from 'node:net';

/**
 * Addresses a server-side fetch must not reach unless private networks are allowed:
 * unspecified, loopback, RFC 1918, CGNAT, link-local, benchmarking, multicast and reserved
 * IPv4; unspecified, loopback, unique-local, link-local and multicast IPv6. Node's BlockList
 * also matches IPv4-mapped IPv6 in any spelling (`::ffff:127.0.0.1`, `::ffff:7f00:1`), which
 * string-prefix checks miss: the URL parser turns `[::ffff:127.0.0.1]` into `[::ffff:7f00:1]`.
 */
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) PRIVATE.addSubnet(net, bits, 'ipv6');

/** True for an IP literal in a private, loopback, link-local or otherwise non-public range; false for names. */
export function isPrivateAddress(addr: string): boolean {
  const a = addr.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const v = isIP(a);
  if (v === 0) return false;
  return PRIVATE.check(a, v === 4 ? 'ipv4' : 'ipv6');
}
