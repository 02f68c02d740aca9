package dev.cloudrunauth.receiving;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Allows a method, or every method of a class, only to the given callers (by service
 * account email); other callers get 403. Values may be property placeholders such as
 * {@code "${reports.readers}"}, whose value may be a comma-separated list. Works in
 * servlet and reactive applications; enabled with the starter's method security.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface AllowCallers {

	/**
	 * The emails of the allowed callers.
	 * @return the emails or placeholders
	 */
	String[] value();

}
