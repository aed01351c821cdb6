package org.renkei.stix;

/** The kinds of STIX object the specification distinguishes. */
public enum StixCategory {
    /** STIX Domain Object (section 4). */
    SDO,
    /** STIX Relationship Object: relationship, sighting (section 5). */
    SRO,
    /** STIX Cyber-observable Object (section 6). */
    SCO,
    /** Meta objects: language-content, marking-definition, extension-definition (section 7). */
    META,
    /** A custom {@code x-} object, or a type whose extension definition says neither SDO, SRO nor SCO. */
    CUSTOM
}
