package dev.porte.server.api;

import dev.porte.core.error.ErrorCode;
import dev.porte.core.error.PorteException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The bearer token that API writes need: 32 random bytes, base64url, kept in a file only its owner
 * may read (0600). Immutable and thread-safe.
 *
 * @param created true when this start made the token (so it is printed, once)
 */
public record AccessToken(String value, Path file, boolean created) {
  public static final String FILE_NAME = "api-token";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  /** Reads the token from {@code stateDirectory}, or creates it there on first start. */
  public static AccessToken loadOrCreate(Path stateDirectory) {
    Path file = stateDirectory.resolve(FILE_NAME);
    try {
      Files.createDirectories(stateDirectory);
      if (Files.exists(file)) {
        return read(file);
      }
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      // Created with 0600 from the start: there is no moment when others could read it.
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      Files.writeString(file, token + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
      return new AccessToken(token, file, true);
    } catch (FileAlreadyExistsException e) {
      return read(file);
    } catch (IOException e) {
      throw new PorteException(ErrorCode.IO, "cannot create the API token file " + file + ": " + e.getMessage(), e);
    }
  }

  private static AccessToken read(Path file) {
    try {
      String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
      if (token.length() < 32) {
        throw new PorteException(
            ErrorCode.IO, "the API token in " + file + " is too short (" + token.length() + " characters); delete the file to make a new one");
      }
      return new AccessToken(token, file, false);
    } catch (IOException e) {
      throw new PorteException(ErrorCode.IO, "cannot read the API token file " + file + ": " + e.getMessage(), e);
    }
  }

  /** True when {@code header} is {@code Bearer <this token>}; compares in constant time. */
  public boolean accepts(String header) {
    if (!header.startsWith("Bearer ")) {
      return false;
    }
    byte[] given = header.substring("Bearer ".length()).strip().getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(given, value.getBytes(StandardCharsets.US_ASCII));
  }

  /** Never the token itself: it is a secret. */
  @Override
  public String toString() {
    return "AccessToken[" + file + "]";
  }
}
