package dev.cloudrunauth.benchmarks.startup.handsecurity;

import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;

/**
 * What a hand configuration of Spring's resource server adds so that
 * {@code @PreAuthorize} is enforced. Not component scanned by any app: the benchmark adds
 * it as a source ({@code -Dstartup.sources}) where a variant needs it.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
public class HandMethodSecurity {

}
