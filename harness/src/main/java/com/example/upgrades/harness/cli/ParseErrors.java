package com.example.upgrades.harness.cli;

import java.util.List;
import java.util.regex.Pattern;

import picocli.CommandLine;

/**
 * What the CLI says about arguments it cannot parse, without ever repeating a value: a misspelt
 * option may carry a password ({@code --kafka-propery sasl.jaas.config=...password="..."}), and an
 * unquoted JAAS config is split by the shell into words that are all values. Option names are
 * shown, values never.
 */
final class ParseErrors {

    /** What an option's name looks like; anything else is treated as a value. */
    private static final Pattern OPTION_NAME = Pattern.compile("--?[A-Za-z][A-Za-z0-9-]*");

    private ParseErrors() {}

    /** The error as the user sees it: what is wrong, which option (by name), no value. */
    static String message(CommandLine.ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
            List<String> args = unmatched.getUnmatched();
            StringBuilder out = new StringBuilder();
            for (String arg : args) {
                String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                if (OPTION_NAME.matcher(name).matches()) {
                    out.append("Unknown option ").append(name).append(arg.contains("=") ? " (its value is not shown)" : "");
                } else {
                    out.append("An argument that is no option's value (not shown: it may be a secret; a value with "
                            + "spaces, such as a JAAS config, must be quoted)");
                }
                out.append(". ");
            }
            List<String> suggestions = unmatched.getSuggestions().stream().filter(s -> OPTION_NAME.matcher(s).matches()).toList();
            if (!suggestions.isEmpty()) {
                out.append("Did you mean ").append(String.join(" or ", suggestions)).append("? ");
            }
            return out.toString().trim();
        }
        if (e instanceof CommandLine.MissingParameterException missing) {
            return "Missing: " + String.join(", ", missing.getMissing().stream().map(ParseErrors::name).toList()) + ".";
        }
        if (e instanceof CommandLine.OverwrittenOptionException overwritten) {
            return "The option " + name(overwritten.getOverwritten()) + " is given more than once.";
        }
        if (e.getCause() instanceof CommandLine.TypeConversionException || String.valueOf(e.getMessage()).startsWith("Invalid value")) {
            return "The value of " + (e.getArgSpec() != null ? name(e.getArgSpec()) : "an option") + " is not "
                    + (e.getArgSpec() != null ? "a valid " + e.getArgSpec().type().getSimpleName() : "valid")
                    + " (the value is not shown).";
        }
        // The harness's own usage errors: written to name what is wrong without a secret in them.
        return e.getMessage();
    }

    private static String name(CommandLine.Model.ArgSpec spec) {
        return spec instanceof CommandLine.Model.OptionSpec option ? option.longestName() : spec.paramLabel();
    }
}
