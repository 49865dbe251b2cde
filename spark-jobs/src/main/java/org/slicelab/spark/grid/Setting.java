package org.slicelab.spark.grid;

/**
 * A trial option's value from the grid file and where it came from.
 *
 * @param value the typed value (integers as read, numbers as {@code Double})
 * @param path dotted key path ({@code panels.p.axes.rank[1]})
 * @param line line in the file, or -1 when unknown
 */
record Setting(Object value, String path, int line) {
}
