package dev.porte.gateway;

/**
 * How full the gateway is now: the TCP connections and UDP sessions it holds against their caps,
 * and how many a cap has refused since it started (admitted by the policy, but over {@code
 * --max-connections}, {@code --max-per-source} or {@code --max-udp-sessions}). What an operator
 * looks at before raising a cap or the open-file limit.
 */
public record GatewayLoad(int openConnections, int maxConnections, int udpSessions, int maxUdpSessions, long limited) {}
