package io.openmede.world;

import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An endless frame stream for one camera: a sequence of action segments, each {@link
 * CameraSettings#segmentFrames()} frames of one in-context clip (action drawn uniformly from the
 * settings' actions, scene as in the training distribution with the world's ρ). For ingest and load
 * tests.
 *
 * <p>Deterministic: frame i is a pure function of the world's settings, the camera settings and i
 * ({@link #frameAt} gives random access). The stream does not pace itself: {@link #next()} returns
 * at once; callers that need real time sleep {@link #frameIntervalNanos()} between frames.
 *
 * <p>Not thread-safe (it keeps a cursor and the current segment's frames).
 */
public final class SyntheticCamera implements Iterator<CameraFrame> {
  private static final long CAMERA_STREAM = 0x63616dL;

  private final SyntheticWorld world;
  private final CameraSettings settings;
  private long nextIndex;
  private long cachedSegment = -1;
  private ClipSpec cachedSpec;
  private List<byte[]> cachedFrames;

  /** A camera filming {@code world} as {@code settings} says, positioned at frame 0. */
  public SyntheticCamera(SyntheticWorld world, CameraSettings settings) {
    this.world = Objects.requireNonNull(world, "world");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** The camera's settings. */
  public CameraSettings settings() {
    return settings;
  }

  /** Always true: the stream is endless. */
  @Override
  public boolean hasNext() {
    return true;
  }

  /** The frame at the cursor; advances the cursor by one. */
  @Override
  public CameraFrame next() {
    return frameAt(nextIndex++);
  }

  /** The index of the frame {@link #next()} returns next. */
  public long position() {
    return nextIndex;
  }

  /** Moves the cursor, for example to resume a stream. */
  public void seek(long index) {
    this.nextIndex = requireIndex(index);
  }

  /** Nanoseconds between frames at the camera's frame rate. */
  public long frameIntervalNanos() {
    return Math.round(1e9 / settings.framesPerSecond());
  }

  /** Frame {@code index} of the stream, without moving the cursor. */
  public CameraFrame frameAt(long index) {
    requireIndex(index);
    long segment = index / settings.segmentFrames();
    if (segment != cachedSegment) {
      cachedSpec = segmentSpec(segment);
      cachedFrames = world.clip(cachedSpec, settings.segmentFrames()).frames();
      cachedSegment = segment;
    }
    int size = world.settings().frameSize();
    return new CameraFrame(
        settings.cameraId(),
        index,
        Math.round(index * 1e6 / settings.framesPerSecond()),
        cachedFrames.get((int) (index % settings.segmentFrames())),
        size,
        size,
        settings.labeled() ? Optional.of(cachedSpec.action()) : Optional.empty(),
        segment);
  }

  /** The spec of a segment: what the camera shows from frame {@code segment * segmentFrames}. */
  public ClipSpec segmentSpec(long segment) {
    long idSeed = settings.cameraId().hashCode();
    SplitMix random =
        new SplitMix(
            SplitMix.mix(
                SplitMix.mix(SplitMix.mix(world.settings().seed(), settings.seed()), idSeed),
                CAMERA_STREAM + segment));
    List<Action> actions = settings.actions();
    return world.inContextSpec(actions.get(random.nextInt(actions.size())), random);
  }

  private static long requireIndex(long index) {
    if (index < 0) {
      throw new IllegalArgumentException("frame index must be >= 0, got " + index);
    }
    return index;
  }
}
