/**
 * The STIX 2.1 object layer: identifiers ({@link org.renkei.stix.StixId}), timestamps
 * ({@link org.renkei.stix.StixTimestamp}), objects that keep every property they do not
 * model ({@link org.renkei.stix.StixObject}), limited stream parsing of bundles and TAXII
 * envelopes ({@link org.renkei.stix.StixJson}), validation against the specification
 * ({@link org.renkei.stix.StixValidator}), deterministic SCO identifiers
 * ({@link org.renkei.stix.DeterministicId}), TLP markings ({@link org.renkei.stix.Tlp}) and
 * version keys ({@link org.renkei.stix.VersionKey}). Patterns live in
 * {@link org.renkei.stix.pattern}.
 *
 * <p>Decisions callers should know (details in the class comments):
 * <ul>
 *   <li>Objects keep their JSON as received; nothing unmodelled is lost on a round trip.</li>
 *   <li>Request bodies are parsed once, streaming, under {@link org.renkei.stix.StixJson.Limits};
 *       problems are {@link org.renkei.stix.StixParseException}s with position and a user-facing message.</li>
 *   <li>Validation reports all findings; errors reject, warnings do not. An SCO with a random
 *       (v4) id is accepted with a warning; a UUIDv5 id that is not the deterministic one is an error.
 *       Types without {@code x-} are accepted only when an extension definition declares them.</li>
 *   <li>An object's version is {@code modified}, else {@code created}, else the date the server
 *       added it (TAXII 2.1); equal instants with different precision are the same version.</li>
 *   <li>{@link org.renkei.stix.Tlp} recognises TLP 2.0 and TLP 1.0 markings; an object without one
 *       has no level here, and the access policy treats that as AMBER.</li>
 * </ul>
 *
 * <p>This package depends on no other Renkei package; everything else depends on it.
 */
package org.renkei.stix;
