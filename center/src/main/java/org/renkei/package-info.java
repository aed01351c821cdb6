/**
 * Renkei, a cyber information sharing center. This root package holds only the domain
 * exceptions every part throws and the HTTP layer maps to status codes:
 * {@link org.renkei.InputException} (400), {@link org.renkei.ForbiddenException} (403),
 * {@link org.renkei.NotFoundException} (404, also for what the caller may not see),
 * {@link org.renkei.ConflictException} (409).
 */
package org.renkei;
