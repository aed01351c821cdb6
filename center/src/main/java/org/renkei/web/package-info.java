/**
 * The HTTP server: wiring of every route, authentication of callers, the REST API
 * for members and groups, error bodies (RFC 9457 problem+json; TAXII error objects
 * on TAXII routes), health and Prometheus metrics.
 */
package org.renkei.web;
