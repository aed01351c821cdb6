package org.renkei.share.taxii;

import java.util.function.Function;
import org.renkei.access.Audience;
import org.renkei.access.ReadPath;
import org.renkei.intel.Scope;
import org.renkei.stix.Tlp;

/**
 * A collection as one caller sees it. Collections are views over the one store,
 * laid out by audience: what a collection holds is its {@link #scope}, always
 * intersected with the access policy; what is posted to it reaches its
 * {@link #audience} and must pass its {@link #tlpRule}.
 */
record TaxiiCollection(String id, String title, String description, boolean canRead, boolean canWrite, Scope scope,
                       ReadPath readPath, Audience audience, Function<Tlp, String> tlpRule) {
}
