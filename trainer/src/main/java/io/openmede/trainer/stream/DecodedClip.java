package io.openmede.trainer.stream;

/**
 * A validated clip ready for the model.
 *
 * @param clipId the record's clip id
 * @param label the action name
 * @param labelIndex index of {@code label} in the training vocabulary
 * @param split split tag ('train' or a held-out tag)
 * @param pixels {@code [T, 3, R, R]} normalised floats
 * @param frames T
 */
public record DecodedClip(
    String clipId, String label, int labelIndex, String split, float[] pixels, int frames) {}
