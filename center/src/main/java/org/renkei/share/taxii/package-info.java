/**
 * The TAXII 2.1 server (OASIS, 2021): discovery, one API root, collections laid out
 * by audience, objects, manifests, versions and status, with signed page tokens.
 */
package org.renkei.share.taxii;
