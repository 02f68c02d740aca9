package dev.cloudrunauth.benchmarks.receiving.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The minimal receiving app of measurement 4, started twice in one JVM: with the
 * starter's receiving auto-configuration, and with every security auto-configuration
 * excluded.
 */
@SpringBootApplication
public class ReceivingBenchApplication {

}
