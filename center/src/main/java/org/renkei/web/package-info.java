/**
 * The top of the house: the HTTP server and its wiring, the REST API (members,
 * groups, objects), the live stream (SSE), health and Prometheus metrics.
 */
package org.renkei.web;
