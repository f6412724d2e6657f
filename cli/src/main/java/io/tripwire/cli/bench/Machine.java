package io.tripwire.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Facts about the machine and processes, read from the JVM and /proc (Linux). */
final class Machine {

    private Machine() {
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    static double load1() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static long totalMemoryMb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    return Long.parseLong(l.replaceAll("\\D+", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return -1;
    }

    static String java() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    }

    static long maxHeapMb() {
        return Runtime.getRuntime().maxMemory() / (1024 * 1024);
    }

    /** CPU time (user + system, all threads) a process has used so far, in seconds; NaN where the OS does not say. */
    static double cpuSeconds(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    /** The CPU seconds used so far by this JVM and by another process (the broker's JVM): taken before a run, read after it. */
    record Cpu(double self, double other, long otherPid) {

        static Cpu now(long otherPid) {
            return new Cpu(cpuSeconds(ProcessHandle.current().pid()), cpuSeconds(otherPid), otherPid);
        }

        /** What each process has used since this snapshot, in seconds. */
        Cpu since() {
            Cpu now = now(otherPid);
            return new Cpu(now.self - self, now.other - other, otherPid);
        }
    }

    /**
     * This JVM's CPU time by kind of thread, in seconds: Kafka Streams' stream threads and the Kafka
     * clients' I/O threads (from the JVM's per-thread CPU times, by thread name), the garbage collector
     * and the JIT compilers (from /proc/self/task, by the native thread names HotSpot gives them), and
     * the rest of the process (the bench's main thread, VM threads, threads that ended).
     */
    record Threads(double stream, double clientIo, double gc, double jit, double total) {

        private static final double TICK = 0.01; // USER_HZ: 100 on Linux (getconf CLK_TCK)

        static Threads now() {
            double stream = 0;
            double io = 0;
            java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
                if (t == null) {
                    continue;
                }
                long ns = mx.getThreadCpuTime(t.getThreadId());
                if (ns < 0) {
                    continue;
                }
                String name = t.getThreadName();
                if (name.contains("-StreamThread-")) {
                    stream += ns / 1e9;
                } else if (name.contains("kafka-producer-network-thread") || name.contains("heartbeat")
                        || name.contains("consumer_background") || name.contains("kafka-admin-client-thread")) {
                    io += ns / 1e9;
                }
            }
            double gc = 0;
            double jit = 0;
            try (var tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        String comm = Files.readString(task.resolve("comm")).trim();
                        boolean isGc = comm.startsWith("GC Thread") || comm.startsWith("G1 ");
                        boolean isJit = comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler");
                        if (isGc || isJit) {
                            String stat = Files.readString(task.resolve("stat"));
                            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                            double s = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK; // utime, stime
                            if (isGc) {
                                gc += s;
                            } else {
                                jit += s;
                            }
                        }
                    } catch (IOException | RuntimeException e) {
                        // the thread ended while we looked
                    }
                }
            } catch (IOException e) {
                gc = Double.NaN;
                jit = Double.NaN;
            }
            return new Threads(stream, io, gc, jit, cpuSeconds(ProcessHandle.current().pid()));
        }

        /**
         * What each kind used since this snapshot. Call it while the run's threads still live: a stream
         * thread that ended is no longer counted as one (its time is then in {@code other}).
         */
        Threads since() {
            Threads now = now();
            return new Threads(now.stream - stream, now.clientIo - clientIo, now.gc - gc, now.jit - jit, now.total - total);
        }

        double other() {
            return total - stream - clientIo - gc - jit;
        }
    }

    /** VmRSS of a process in MB, or -1 where /proc is not there. */
    static long rssMb(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D+", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return -1;
    }

    /** Heap in use after a full GC, in MB (a few collections, to let finalizers and soft refs settle). */
    static long heapAfterGcMb() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
    }
}
