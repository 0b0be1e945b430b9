package dev.transformerlambda.registry;

/**
 * {@code current.json} was moved by another writer between the read a promotion was based on and
 * its write; nothing was changed.
 */
public class PointerMovedException extends RegistryException {

    private final String expected;
    private final String found;

    PointerMovedException(RegistryUri uri, String expected, String found, String version) {
        super(uri + "/" + RegistryUri.POINTER + " was moved by someone else: it named " + name(expected)
                + " when read and now names " + name(found) + "; nothing was changed, " + version
                + " is not current. Check with 'list' and promote again if still wanted.");
        this.expected = expected;
        this.found = found;
    }

    /** The version the pointer named when read; null if there was no pointer. */
    public String expected() {
        return expected;
    }

    /** The version it names now; null if there is none. */
    public String found() {
        return found;
    }

    private static String name(String version) {
        return version == null ? "nothing" : version;
    }
}
