/**
 * Members (organisations), their tokens and roles, sharing groups, and the ONE
 * access policy that answers "may this principal see this object?" for every read
 * path: {@link org.renkei.access.AccessPolicy}.
 */
package org.renkei.access;
