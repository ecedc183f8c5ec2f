/**
 * Kernel enforcement (DESIGN.md section 2): {@link dev.porte.nft.NftCompiler} turns a policy into
 * an IR ({@link dev.porte.nft.NftRuleset}) of one table {@code inet porte}, {@link
 * dev.porte.nft.NftScript} serialises it for {@code nft -f}, {@link dev.porte.nft.IptablesCompiler}
 * renders the same meaning for {@code iptables-restore}. Every type here is immutable.
 */
@NullMarked
package dev.porte.nft;

import org.jspecify.annotations.NullMarked;
