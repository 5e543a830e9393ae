package io.stepcarecovery.archive;

import java.io.IOException;
import java.io.OutputStream;

/** A sink that fails like a full disk once a file passed 1 MiB: the failure a reader must pass on as it is. */
final class FullDiskSink implements ArchiveReader.Sink {
  final IOException full = new IOException("No space left on device");

  @Override
  public void directory(String path, int mode) {}

  @Override
  public OutputStream file(String path, int mode) {
    return new OutputStream() {
      long n;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if ((n += len) > (1 << 20)) {
          throw full;
        }
      }
    };
  }

  @Override
  public void symlink(String path, String target) {}
}
