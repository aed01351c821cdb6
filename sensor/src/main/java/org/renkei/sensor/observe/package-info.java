/**
 * Observations for the center: the per-interval {@link org.renkei.sensor.observe.ObservationBatch}
 * (the wire contract, documented in docs/sensor.md, reusable by the center for
 * deserialisation), the durable {@link org.renkei.sensor.observe.ObservationSpool}, the
 * {@link org.renkei.sensor.observe.ObservationSender} that posts spooled batches with retry,
 * and {@link org.renkei.sensor.observe.LiveSensor} which ties a capture stream to them.
 */
package org.renkei.sensor.observe;
