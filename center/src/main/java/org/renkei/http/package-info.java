/**
 * HTTP plumbing shared by every set of routes (TAXII in {@code share}, REST in
 * {@code web}): authentication of callers, bounded body reading, the JSON mapper and
 * the mapping of errors to standard bodies.
 */
package org.renkei.http;
