/**
 * The event bus between the rooms of the loop: the intel side publishes what it
 * accepted, the share/notify/web side reacts (live stream, alerts). In-process by
 * default; the interface is what a Kafka-backed bus implements for scale-out.
 */
package org.renkei.bus;
