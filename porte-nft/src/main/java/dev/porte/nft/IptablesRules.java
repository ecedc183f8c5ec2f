package dev.porte.nft;

/**
 * The iptables rendering of a policy: one file for {@code iptables-restore} (IPv4) and one for
 * {@code ip6tables-restore} (IPv6), with the same meaning as the nft table.
 */
public record IptablesRules(String v4, String v6) {}
