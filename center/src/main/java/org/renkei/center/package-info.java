/**
 * The composition root: {@link org.renkei.center.Center} starts the store, the
 * domain services and the HTTP server from one {@link org.renkei.center.CenterConfig},
 * and stops them in reverse order.
 */
package org.renkei.center;
