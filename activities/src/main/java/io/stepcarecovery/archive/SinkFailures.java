package io.stepcarecovery.archive;

import io.stepcarecovery.archive.ArchiveReader.Sink;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Passes a sink's IOExceptions through {@link ArchiveReader#read} unchanged, as
 * UncheckedIOException. The sink's own failures (a full disk under the staging area) are not the
 * archive's fault, so they must not reach the reader's "corrupt archive, use another backup".
 */
record SinkFailures(Sink sink) implements Sink {
  /** What the sink does; its IOException is the sink's own. */
  private interface Io<T> {
    T run() throws IOException;
  }

  private static <T> T own(Io<T> io) {
    try {
      return io.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void directory(String path, int mode) {
    own(() -> {
      sink.directory(path, mode);
      return null;
    });
  }

  @Override
  public OutputStream file(String path, int mode) {
    OutputStream out = own(() -> sink.file(path, mode));
    return new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        own(() -> {
          out.write(b, off, len);
          return null;
        });
      }

      @Override
      public void close() {
        own(() -> {
          out.close();
          return null;
        });
      }
    };
  }

  @Override
  public void symlink(String path, String target) {
    own(() -> {
      sink.symlink(path, target);
      return null;
    });
  }
}
