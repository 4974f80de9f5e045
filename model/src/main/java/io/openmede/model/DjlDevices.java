package io.openmede.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps {@link ComputeDevice} to DJL and holds one long-lived root {@link NDManager} per device;
 * every model and parameter set takes a sub-manager of it, so that closing one never closes
 * another. Internal to the model module.
 */
public final class DjlDevices {

  private static final ConcurrentHashMap<ComputeDevice, NDManager> ROOTS =
      new ConcurrentHashMap<>();

  private DjlDevices() {}

  /** The DJL device for {@code device}. */
  public static Device toDjl(ComputeDevice device) {
    return device.isGpu() ? Device.gpu(device.index()) : Device.cpu();
  }

  /** The process-wide root manager of {@code device} (never closed). */
  public static NDManager root(ComputeDevice device) {
    return ROOTS.computeIfAbsent(device, d -> NDManager.newBaseManager(toDjl(d), "PyTorch"));
  }
}
