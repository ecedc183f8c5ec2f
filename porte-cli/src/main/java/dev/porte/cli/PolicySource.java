package dev.porte.cli;

import dev.porte.core.model.Policy;
import dev.porte.core.policy.Policies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The {@code --policy FILE} option and where porte looks without it: ./porte.yaml, then the
 * user's own file, then the built-in defaults (said on stderr, so that nobody mistakes them for a
 * file that was read).
 */
final class PolicySource {
  @Option(
      names = {"-p", "--policy"},
      paramLabel = "FILE",
      description = "The policy file (YAML or JSON). Default: ./porte.yaml, else ~/.config/porte/porte.yaml.")
  @Nullable Path file;

  /** What was loaded and how it was found. */
  record Loaded(Policy policy, String origin, boolean builtIn) {}

  Loaded load() {
    return load(System.getenv(), Path.of(""));
  }

  Loaded load(Map<String, String> env, Path workingDirectory) {
    if (file != null) {
      return new Loaded(Policies.parser().load(file), file.toString(), false);
    }
    Path local = workingDirectory.resolve("porte.yaml");
    if (Files.isRegularFile(local)) {
      return new Loaded(Policies.parser().load(local), local.toString(), false);
    }
    Path user = userPolicy(env);
    if (user != null && Files.isRegularFile(user)) {
      return new Loaded(Policies.parser().load(user), user.toString(), false);
    }
    return new Loaded(Policy.defaults(), "built-in defaults (no ./porte.yaml" + (user == null ? "" : " nor " + user) + ")", true);
  }

  /** {@code $XDG_CONFIG_HOME/porte/porte.yaml}, else {@code ~/.config/porte/porte.yaml}. */
  static @Nullable Path userPolicy(Map<String, String> env) {
    String xdg = env.get("XDG_CONFIG_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "porte", "porte.yaml");
    }
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    return home == null ? null : Path.of(home, ".config", "porte", "porte.yaml");
  }
}
