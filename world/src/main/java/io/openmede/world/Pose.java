package io.openmede.world;

/**
 * Where and how the actor is drawn in one frame. Positions and the radius are fractions of the
 * frame size; the angle is in radians, increasing clockwise on screen (y points down).
 *
 * @param x centre, fraction of the frame width from the left edge
 * @param y centre, fraction of the frame height from the top edge
 * @param radius fraction of the frame size
 * @param angle orientation in radians, clockwise on screen
 * @param opacity 0 (invisible) to 1 (opaque)
 * @param stretchX horizontal stretch factor (1 = none)
 * @param stretchY vertical stretch factor (1 = none)
 */
record Pose(
    double x,
    double y,
    double radius,
    double angle,
    double opacity,
    double stretchX,
    double stretchY) {

  static Pose at(double x, double y, double radius, double angle) {
    return new Pose(x, y, radius, angle, 1, 1, 1);
  }
}
