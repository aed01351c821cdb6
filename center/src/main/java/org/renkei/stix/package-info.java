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
 * <p>This package depends on no other Renkei package; everything else depends on it.
 */
package org.renkei.stix;
