package io.openmede.recognizer.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ScoringLaneTest {

  private static final int SPARE_NICE = 7;

  private static ScoringLane lane(String name, boolean spare) {
    ScoringLane lane =
        new ScoringLane(
            name, true, spare ? OptionalInt.of(SPARE_NICE) : OptionalInt.empty(), () -> {});
    lane.start();
    return lane;
  }

  private static String threadName() {
    return Thread.currentThread().getName();
  }

  @Test
  void withoutSpareEveryBatchRunsOnTheOwnThreadInOrder() throws Exception {
    ScoringLane lane = lane("t1-scorer", false);
    lane.useSpareForTest(); // no spare thread: stays off
    assertFalse(lane.spareInUse());
    CountDownLatch hold = new CountDownLatch(1);
    List<Integer> order = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Future<String>> runs = new ArrayList<>();
    runs.add(
        lane.submit(
            () -> {
              hold.await(10, TimeUnit.SECONDS);
              order.add(0);
              return threadName();
            }));
    for (int i = 1; i < 4; i++) {
      int n = i;
      runs.add(
          lane.submit(
              () -> {
                order.add(n);
                return threadName();
              }));
    }
    hold.countDown();
    for (Future<String> f : runs) {
      assertEquals("t1-scorer", f.get(10, TimeUnit.SECONDS));
    }
    assertEquals(List.of(0, 1, 2, 3), order);
    assertEquals(0, lane.spareScored());
  }

  @Test
  void theLaneIsIdleOnlyWhenNoBatchIsSubmittedAndNotDone_onEitherThread() throws Exception {
    ScoringLane lane = lane("t4-scorer", true);
    lane.useSpareForTest();
    assertTrue(lane.idle());
    CountDownLatch holdOwn = new CountDownLatch(1);
    CountDownLatch holdSpare = new CountDownLatch(1);
    Future<Boolean> own = lane.submit(() -> holdOwn.await(10, TimeUnit.SECONDS));
    assertFalse(lane.idle(), "a batch runs on the own thread");
    Future<Boolean> queued = lane.submit(() -> true);
    Future<Boolean> spare = lane.submit(() -> holdSpare.await(10, TimeUnit.SECONDS));
    holdOwn.countDown();
    own.get(10, TimeUnit.SECONDS);
    queued.get(10, TimeUnit.SECONDS);
    assertFalse(lane.idle(), "the spare thread still runs a batch");
    holdSpare.countDown();
    spare.get(10, TimeUnit.SECONDS);
    assertTrue(lane.idle());
    assertEquals(1, lane.spareScored());
  }

  @Test
  void aBatchGoesToTheSpareThreadOnlyWhenTheOwnThreadHasABacklogAndTheSpareIsIdle()
      throws Exception {
    ScoringLane lane = lane("t2-scorer", true);
    assertFalse(lane.spareInUse(), "no CPU reserved yet: the spare stays off");
    lane.useSpareForTest();
    assertTrue(lane.spareInUse());

    // own thread idle: the batch goes there
    assertEquals("t2-scorer", lane.submit(ScoringLaneTest::threadName).get(10, TimeUnit.SECONDS));

    CountDownLatch holdOwn = new CountDownLatch(1);
    CountDownLatch holdSpare = new CountDownLatch(1);
    Future<String> running =
        lane.submit(
            () -> {
              holdOwn.await(10, TimeUnit.SECONDS);
              return threadName();
            });
    // own thread busy with one batch: the next still waits for it (no backlog yet)
    Future<String> queued = lane.submit(ScoringLaneTest::threadName);
    // now one running and one waiting: the spare takes the next
    Future<String> onSpare =
        lane.submit(
            () -> {
              holdSpare.await(10, TimeUnit.SECONDS);
              return threadName();
            });
    // spare busy too: back to the own thread's queue
    Future<String> behind = lane.submit(ScoringLaneTest::threadName);
    holdSpare.countDown();
    assertEquals("t2-scorer-spare", onSpare.get(10, TimeUnit.SECONDS));
    assertFalse(queued.isDone(), "the own thread's queue waits behind its running batch");
    assertFalse(behind.isDone());
    holdOwn.countDown();
    assertEquals("t2-scorer", running.get(10, TimeUnit.SECONDS));
    assertEquals("t2-scorer", queued.get(10, TimeUnit.SECONDS));
    assertEquals("t2-scorer", behind.get(10, TimeUnit.SECONDS));
    assertEquals(1, lane.spareScored());
  }

  @Test
  void theSpareThreadRunsAtTheStreamThreadsPriority() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/thread-self")), "needs Linux /proc");
    ScoringLane lane = lane("t3-scorer", true);
    lane.useSpareForTest();
    CountDownLatch holdOwn = new CountDownLatch(1);
    Future<Integer> own =
        lane.submit(
            () -> {
              holdOwn.await(10, TimeUnit.SECONDS);
              return niceOfCurrentThread();
            });
    Future<Integer> queued = lane.submit(ScoringLaneTest::niceOfCurrentThread);
    Future<Integer> spare = lane.submit(ScoringLaneTest::niceOfCurrentThread);
    int spareNice = spare.get(10, TimeUnit.SECONDS);
    holdOwn.countDown();
    int ownNice = own.get(10, TimeUnit.SECONDS);
    assertEquals(ownNice, (int) queued.get(10, TimeUnit.SECONDS));
    assertEquals(Math.max(SPARE_NICE, niceOfCurrentThread()), spareNice);
    assertEquals(niceOfCurrentThread(), ownNice, "the own thread keeps its creator's priority");
  }

  /** Field 19 of /proc/thread-self/stat (after the parenthesised name). */
  private static int niceOfCurrentThread() throws Exception {
    String stat = Files.readString(Path.of("/proc/thread-self/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Integer.parseInt(fields[16]);
  }
}
