package com.example.upgrades.harness.project;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link and anchor in the project's Markdown resolves: a file that exists, and a
 * heading in it with that anchor, as GitHub renders it (lower case, punctuation dropped, spaces to
 * hyphens, "-1", "-2" for repeated headings). Links in code blocks and code spans are text, and
 * links to other sites are not fetched.
 */
class DocsLinksTest {

    private static final Pattern LINK = Pattern.compile("!?\\[([^\\]]*)\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern CODE_SPAN = Pattern.compile("`[^`]*`");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)=\"([^\"]+)\"");

    @Test
    void everyRelativeLinkAndAnchorInTheDocsResolves() throws IOException {
        Path root = ProjectLayout.findProjectRoot();
        List<Path> pages = pages(root);
        assertTrue(pages.contains(root.resolve("README.md")) && pages.size() > 10, pages.toString());
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            broken.addAll(brokenLinks(page));
        }
        assertEquals(List.of(), broken, "links that do not resolve");
    }

    @Test
    void theCheckFindsAMissingFileAMissingAnchorAndIgnoresCode(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.md"), """
                # Title

                ## A section, with `code`: and more

                ## A section, with `code`: and more

                [ok](b.md#second-part) [ok](#a-section-with-code-and-more-1) [ok](#title) [site](https://example.org/x)
                [missing file](c.md) [missing anchor](b.md#third) ![missing image](img/x.svg)

                    [in an indented block](nowhere.md)

                ```
                [in a fenced block](nowhere.md)
                ```
                and `[in a code span](nowhere.md)`
                """);
        Files.writeString(dir.resolve("b.md"), "# B\n\n## Second part\n");
        assertEquals(List.of(
                        dir.resolve("a.md") + ":8: c.md (no such file)",
                        dir.resolve("a.md") + ":8: b.md#third (no such heading in b.md)",
                        dir.resolve("a.md") + ":8: img/x.svg (no such file)"),
                brokenLinks(dir.resolve("a.md")));
        assertEquals(List.of(), brokenLinks(dir.resolve("b.md")));
    }

    /** README.md and every Markdown file under docs/ and the modules, not build output. */
    static List<Path> pages(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> {
                        String rel = root.relativize(p).toString().replace('\\', '/');
                        return !rel.contains("/target/") && !rel.startsWith("target/") && !rel.startsWith(".")
                                && !rel.contains("/.") && !rel.contains("node_modules")
                                // The archetype's README is a template: its links resolve in the generated project.
                                && !rel.contains("archetype-resources");
                    })
                    .sorted()
                    .toList();
        }
    }

    static List<String> brokenLinks(Path page) throws IOException {
        List<String> broken = new ArrayList<>();
        List<String> lines = Files.readAllLines(page);
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced || line.startsWith("    ") || line.startsWith("\t")) {
                continue;
            }
            Matcher m = LINK.matcher(CODE_SPAN.matcher(line).replaceAll(""));
            while (m.find()) {
                String target = m.group(2);
                if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue;
                }
                String problem = problem(page, target);
                if (problem != null) {
                    broken.add(page + ":" + (i + 1) + ": " + target + " (" + problem + ")");
                }
            }
        }
        return broken;
    }

    private static String problem(Path page, String target) {
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
            return "no such file";
        }
        if (anchor == null || anchor.isEmpty()) {
            return null;
        }
        if (!resolved.toString().endsWith(".md")) {
            return null;
        }
        return anchors(resolved).contains(anchor) ? null : "no such heading in " + resolved.getFileName();
    }

    private static final Map<Path, Set<String>> ANCHORS = new HashMap<>();

    /** The anchors GitHub gives a page's headings. */
    static Set<String> anchors(Path page) {
        return ANCHORS.computeIfAbsent(page, p -> {
            try {
                Set<String> anchors = new HashSet<>();
                Map<String, Integer> seen = new HashMap<>();
                boolean fenced = false;
                for (String line : Files.readAllLines(p)) {
                    if (line.strip().startsWith("```")) {
                        fenced = !fenced;
                        continue;
                    }
                    Matcher html = HTML_ANCHOR.matcher(line);
                    while (html.find()) {
                        anchors.add(html.group(1));
                    }
                    if (fenced || !line.matches("^#{1,6} .*")) {
                        continue;
                    }
                    String slug = slug(line.replaceFirst("^#{1,6} ", ""));
                    int n = seen.merge(slug, 1, Integer::sum) - 1;
                    anchors.add(n == 0 ? slug : slug + "-" + n);
                }
                return anchors;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static String slug(String heading) {
        String text = heading.strip().toLowerCase(Locale.ROOT)
                .replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
                .replace("`", "");
        StringBuilder slug = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                slug.appendCodePoint(c);
            } else if (c == ' ') {
                slug.append('-');
            }
        });
        return slug.toString();
    }
}
