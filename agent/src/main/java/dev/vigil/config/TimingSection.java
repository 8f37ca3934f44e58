package dev.vigil.config;

import dev.vigil.config.LocatedYaml.Entry;
import dev.vigil.config.LocatedYaml.MapNode;
import dev.vigil.config.LocatedYaml.Node;
import dev.vigil.config.LocatedYaml.Pos;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code timing:}: a preset and any timer overridden on top of it, checked together, with each
 * impossible combination pointed at the override that most likely caused it.
 */
final class TimingSection extends SectionReader {

    private static final List<String> TIMERS = List.of("keepalive", "warntime", "deadtime", "initdead");
    private static final List<String> TIMING_KEYS = List.of("preset", "keepalive", "warntime", "deadtime", "initdead");

    TimingSection(SectionReader shared) {
        super(shared);
    }

    record TimingChoice(TimingPreset preset, Timing timing) {}

    /** The {@code timing:} section; the LAN preset when it is absent. */
    TimingChoice read(Optional<Entry> timingEntry) {
        var fallback = new TimingChoice(TimingPreset.LAN, TimingPreset.LAN.timing());
        if (timingEntry.isEmpty()) {
            return fallback;
        }
        Optional<MapNode> tm = map(timingEntry.get().value(), "timing",
                "a map such as {preset: lan, deadtime: 2s} with the keys " + String.join(", ", TIMING_KEYS));
        if (tm.isEmpty()) {
            return fallback;
        }
        checkKeys(tm.get(), "timing", TIMING_KEYS);

        TimingPreset preset = TimingPreset.LAN;
        boolean usable = true;
        Optional<Entry> presetEntry = tm.get().entry("preset");
        if (presetEntry.isPresent()) {
            Node v = presetEntry.get().value();
            Optional<String> name = string(v, "preset", "one of " + TimingPreset.configNames());
            Optional<TimingPreset> p = name.flatMap(TimingPreset::byConfigName);
            if (p.isPresent()) {
                preset = p.get();
            } else {
                usable = false;
                name.ifPresent(n -> error(v.pos(), "unknown timing preset `" + n + "`; valid presets: "
                        + TimingPreset.configNames()));
            }
        }

        Timing timing = preset.timing();
        Map<String, Pos> overridden = new LinkedHashMap<>();
        for (String timer : TIMERS) {
            Optional<Entry> e = tm.get().entry(timer);
            if (e.isEmpty()) {
                continue;
            }
            Optional<Duration> d = duration(e.get().value(), timer);
            if (d.isEmpty()) {
                usable = false;
                continue;
            }
            overridden.put(timer, e.get().keyPos());
            timing = switch (timer) {
                case "keepalive" -> timing.withKeepalive(d.get());
                case "warntime" -> timing.withWarntime(d.get());
                case "deadtime" -> timing.withDeadtime(d.get());
                default -> timing.withInitdead(d.get());
            };
        }
        if (usable) {
            for (String problem : timing.problems()) {
                timingProblem(problem, preset, overridden, timingEntry.get().keyPos());
            }
        }
        return new TimingChoice(preset, timing);
    }

    /**
     * Points at the override that most likely caused the problem: the timer the rule is
     * about if it was overridden, else another timer the rule mentions, else {@code timing:}.
     */
    private void timingProblem(String problem, TimingPreset preset, Map<String, Pos> overridden, Pos timingKey) {
        List<String> involved = TIMERS.stream()
                .filter(problem::contains)
                .sorted(Comparator.comparingInt(problem::indexOf))
                .toList();
        Pos at = involved.stream().filter(overridden::containsKey).findFirst()
                .map(overridden::get).orElse(timingKey);
        String primary = involved.isEmpty() ? "" : involved.get(0);
        String hint = involved.isEmpty() || overridden.containsKey(primary) ? ""
                : "; " + primary + " comes from preset " + preset.configName()
                + ": override it as well or choose another preset";
        error(at, "impossible timing: " + problem + hint);
    }
}
