package org.renkei.access;

/**
 * How an object is being read. TLP:RED content is "for the eyes and ears of
 * individual recipients only", so it never appears on a BULK path (shared
 * collections, feeds, exports), only on DIRECT ones (an object by id, the
 * caller's own inbox collection, its live stream).
 */
public enum ReadPath {
    DIRECT,
    BULK
}
