package dev.porte.core.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Finds the names closest to a misspelled one, for the "did you mean" of an error. A name is close
 * when it is at most one edit away (two for inputs longer than four characters), an edit being an
 * insertion, deletion, substitution or swap of neighbours, or when it begins with the input (at
 * least three characters of it). Stateless; safe to call from any thread.
 */
public final class Spelling {
  private Spelling() {}

  /**
   * The close names among {@code candidates}, closest first; among equally close names those that
   * share the input's first letter come first (people mistype the middle of a word more often
   * than its start), then the candidates' own order, so callers list their preferred names first.
   */
  public static List<String> closest(String input, Iterable<String> candidates, int max) {
    if (max <= 0 || input.isEmpty()) {
      return List.of();
    }
    String in = input.toLowerCase(Locale.ROOT);
    int limit = in.length() <= 4 ? 1 : 2;
    List<Match> matches = new ArrayList<>();
    int order = 0;
    for (String candidate : candidates) {
      String c = candidate.toLowerCase(Locale.ROOT);
      if (c.equals(in)) {
        continue;
      }
      int score = distance(in, c, limit);
      boolean close = score <= limit;
      if (!close && in.length() >= 3 && c.startsWith(in)) {
        score = limit + 1; // a prefix ("elastic") ranks after every spelling mistake
        close = true;
      }
      if (close) {
        boolean sameStart = c.charAt(0) == in.charAt(0);
        matches.add(new Match(candidate, score, sameStart ? 0 : 1, order));
      }
      order++;
    }
    matches.sort(
        Comparator.comparingInt(Match::score)
            .thenComparingInt(Match::startPenalty)
            .thenComparingInt(Match::order));
    List<String> names = new ArrayList<>(Math.min(max, matches.size()));
    for (Match m : matches) {
      if (names.size() == max) {
        break;
      }
      if (names.stream().noneMatch(n -> n.equalsIgnoreCase(m.name()))) {
        names.add(m.name());
      }
    }
    return List.copyOf(names);
  }

  private record Match(String name, int score, int startPenalty, int order) {}

  /**
   * The optimal-string-alignment distance between {@code a} and {@code b}, or {@code limit + 1}
   * as soon as it is known to exceed {@code limit} (most of the registry is far from the input,
   * and this keeps a suggestion over thousands of names cheap).
   */
  static int distance(String a, String b, int limit) {
    if (Math.abs(a.length() - b.length()) > limit) {
      return limit + 1;
    }
    int n = b.length();
    int[] before = new int[n + 1];
    int[] previous = new int[n + 1];
    int[] current = new int[n + 1];
    for (int j = 0; j <= n; j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      int rowMin = current[0];
      for (int j = 1; j <= n; j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int d = Math.min(Math.min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
        if (i > 1 && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d = Math.min(d, before[j - 2] + 1);
        }
        current[j] = d;
        rowMin = Math.min(rowMin, d);
      }
      if (rowMin > limit) {
        return limit + 1;
      }
      int[] recycled = before;
      before = previous;
      previous = current;
      current = recycled;
    }
    return Math.min(previous[n], limit + 1);
  }
}
