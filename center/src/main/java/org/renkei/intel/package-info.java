/**
 * The knowledge base: ingest of STIX content (validation, versioning, anonymity,
 * strictly increasing date_added), the object store every read path queries through
 * the access policy, and (growing) dedup, source trust and confidence.
 */
package org.renkei.intel;
