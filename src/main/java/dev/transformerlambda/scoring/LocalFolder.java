package dev.transformerlambda.scoring;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** A local directory as a {@link ScoringFolder}; writes go to a temporary file first, then move in. */
final class LocalFolder implements ScoringFolder {

    private final Path root;

    LocalFolder(Path root) {
        this.root = root;
    }

    @Override
    public String location() {
        return root.toString();
    }

    @Override
    public List<InputObject> list() throws IOException {
        if (Files.isRegularFile(root)) {
            throw new IllegalStateException(root + " is a file; list its directory");
        }
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .map(this::describe)
                    .sorted(Comparator.comparing(InputObject::name))
                    .toList();
        }
    }

    private InputObject describe(Path file) {
        try {
            String name = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
            long size = Files.size(file);
            return new InputObject(name, size, size + "-" + Files.getLastModifiedTime(file).toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public InputStream open(InputObject object, long start) throws IOException {
        Path file = root.resolve(object.name());
        InputObject now = describe(file);
        if (!now.etag().equals(object.etag())) {
            throw new UnreadableInputException(file + " changed since the job began (size and time " + now.etag()
                    + ", was " + object.etag() + ")");
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        channel.position(start);
        return Channels.newInputStream(channel);
    }

    @Override
    public Optional<byte[]> read(String name) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(root.resolve(name)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void put(String name, Path file) throws IOException {
        Path target = root.resolve(name);
        Files.createDirectories(target.getParent());
        Path partial = Files.createTempFile(target.getParent(), ".", ".partial");
        Files.copy(file, partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public boolean putIfAbsent(String name, byte[] bytes) throws IOException {
        Path target = root.resolve(name);
        Files.createDirectories(target.getParent());
        Path partial = Files.createTempFile(target.getParent(), ".", ".partial");
        try {
            Files.write(partial, bytes);
            // A hard link fails atomically where the name exists: of two racing writers one wins.
            Files.createLink(target, partial);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
