/**
 * The REST API on Javalin: JSON in and out, a JSON error body for every failure, bearer tokens for
 * writes, and the OpenAPI description at {@code /api/openapi.json}.
 */
@NullMarked
package dev.porte.server.api;

import org.jspecify.annotations.NullMarked;
