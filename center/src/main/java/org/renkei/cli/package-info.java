/** The {@code renkei} command and its subcommands. */
package org.renkei.cli;
