/** The darknet sensor. */
package org.renkei.sensor;
