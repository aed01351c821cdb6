/** What the center gives back: the TAXII 2.1 server, and (growing) feeds, lookups and the warning page. */
package org.renkei.share;
