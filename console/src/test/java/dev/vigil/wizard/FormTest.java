package dev.vigil.wizard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.access.Operator;
import dev.vigil.access.Role;
import dev.vigil.playbook.Playbook;
import dev.vigil.playbook.VarType;
import dev.vigil.playbook.Vars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Forms generated from a recipe's declarations: one field per variable, checked with the engine's own rules. */
class FormTest {
    @TempDir Path dir;

    static final List<String> NODES = List.of("ha1", "ha2", "ha3");

    static Path recipes() throws Exception {
        return Path.of(FormTest.class.getResource("/wizard/recipes").toURI());
    }

    static Recipe recipe(String id) throws Exception {
        return Recipes.read(id, recipes().resolve(id).resolve("playbook.yaml"), dev.vigil.playbook.Inventory.localOnly());
    }

    private static Playbook everyType() throws Exception {
        var r = recipe("every-type");
        assertThat(r.errors()).isEmpty();
        return r.playbook().orElseThrow();
    }

    @Test
    void everyVariableTypeBecomesAFieldOfItsKindInDeclarationOrder() throws Exception {
        var form = new Form(everyType());
        var kinds = form.fields().stream().collect(Collectors.toMap(Field::name, Field::kind, (a, b) -> a, java.util.LinkedHashMap::new));
        assertThat(kinds).containsExactly(Map.entry("title", Field.Kind.TEXT), Map.entry("count", Field.Kind.NUMBER),
                Map.entry("enabled", Field.Kind.BOOL), Map.entry("vip", Field.Kind.IP), Map.entry("subnet", Field.Kind.CIDR),
                Map.entry("port", Field.Kind.PORT), Map.entry("dir", Field.Kind.PATH), Map.entry("interval", Field.Kind.DURATION),
                Map.entry("primary", Field.Kind.NODE), Map.entry("members", Field.Kind.NODES), Map.entry("flavour", Field.Kind.CHOICE),
                Map.entry("db_password", Field.Kind.SECRET), Map.entry("clients", Field.Kind.CLIENTS),
                Map.entry("export_opts", Field.Kind.FLAGS));
        // the fixture covers every type the engine has: a new VarType must get a field kind (and this fixture a variable)
        assertThat(form.fields().stream().map(f -> f.decl().type()).collect(Collectors.toSet())).containsAll(Arrays.asList(VarType.values()));
        // defaults are the starting answers (a bool's as the engine normalises it); no default: empty
        assertThat(form.answer("count")).isEqualTo("3");
        assertThat(form.answer("enabled")).isEqualTo("true");
        assertThat(form.answer("vip")).isEmpty();
        assertThat(form.fields().get(1).shape()).isEqualTo("integer 1..9");
        // flags start as the default with every set filled in (a set not named takes its first)
        assertThat(form.answer("export_opts")).isEqualTo("rw,sync,root_squash");
    }

    @Test
    void clientSpecsAreCheckedOneByOneAndJoinedWithCommas() throws Exception {
        var form = new Form(everyType());
        int at = form.fields().indexOf(form.fields().stream().filter(f -> f.name().equals("clients")).findFirst().orElseThrow());
        form.moveTo(at);
        form.set("clients", "10.0.0.0/24 *.lan.example.com ha?.lan 192.168.1.7, @admins 10.1.0.0/255.255.0.0 fe80::1 *");
        form.next();
        assertThat(form.problem("clients")).isEmpty();
        assertThat(form.values().get("clients")).isEqualTo("10.0.0.0/24,*.lan.example.com,ha?.lan,192.168.1.7,@admins,10.1.0.0/255.255.0.0,fe80::1,*");
        for (var bad : Map.of("10.0.0.0/33", "'10.0.0.0/33' is not a network", "10.0.0.300", "'10.0.0.300' is not an IPv4 address",
                "ok.lan bad_name", "'bad_name' is not a client", "10.0.0.0/255.0.255.0", "netmask that is not one",
                "@", "is not a netgroup", "", "must name at least one client").entrySet()) {
            form.moveTo(at);
            form.set("clients", bad.getKey());
            form.next();
            assertThat(form.problem("clients")).as(bad.getKey()).get().asString().contains(bad.getValue());
        }
    }

    @Test
    void aPathKeptWithinAnotherIsCheckedWhenLeftAndAgainWhenTheOtherIsFixed() throws Exception {
        var file = Files.writeString(dir.resolve("within.yaml"), """
                hosts: [local]
                vars:
                  mount_point: {type: path, default: /srv/nfs}
                  export_dir:  {type: path, default: /srv/nfs/export, within: mount_point}
                steps: []
                """);
        var form = new Form(dev.vigil.playbook.PlaybookReader.read(file, dev.vigil.playbook.Inventory.localOnly()).playbook().orElseThrow());
        form.set("mount_point", "/srv/www");
        form.next(); // mount_point left: the export below it is not marked yet (not left since)
        form.next(); // export_dir left
        assertThat(form.problem("export_dir")).contains("must be `mount_point` (/srv/www) or below it, got '/srv/nfs/export'");
        assertThat(form.checkAll()).isFalse();
        form.moveTo(0);
        form.set("mount_point", "/srv/nfs");
        form.next(); // fixed where the mistake was: the export's mark goes
        assertThat(form.problem("export_dir")).isEmpty();
        assertThat(form.checkAll()).isTrue();
    }

    @Test
    void flagsPickOneOfEachSetWithArrowsAndSpace() throws Exception {
        var form = new Form(everyType());
        int at = form.fields().indexOf(form.fields().stream().filter(f -> f.name().equals("export_opts")).findFirst().orElseThrow());
        form.moveTo(at);
        form.type('x', NODES); // picked, not typed
        assertThat(form.answer("export_opts")).isEqualTo("rw,sync,root_squash");
        form.toggle(NODES); // the first set: rw -> ro
        assertThat(form.answer("export_opts")).isEqualTo("ro,sync,root_squash");
        form.cycle(1, NODES);
        form.cycle(1, NODES); // the third set
        form.toggle(NODES);
        assertThat(form.answer("export_opts")).isEqualTo("ro,sync,no_root_squash");
        form.cycle(1, NODES); // wraps to the first set
        form.toggle(NODES);
        assertThat(form.answer("export_opts")).isEqualTo("rw,sync,no_root_squash");
        // typed in a vars file in any order: the engine's reasons, and one spelling in templates
        var decl = form.fields().get(at).decl();
        assertThat(VarType.FLAGS.problem("async,rw", decl)).isEmpty();
        assertThat(VarType.FLAGS.normalize("async,rw", decl)).isEqualTo("rw,async,root_squash");
        assertThat(VarType.FLAGS.problem("rw,ro", decl)).contains("gives rw and ro: choose one of ro, rw");
        assertThat(VarType.FLAGS.problem("rw,wdelay", decl)).get().asString().startsWith("'wdelay' is not one of ro, rw, sync");
    }

    @Test
    void eachAnswerIsCheckedWhenTheFieldIsLeftWithTheEnginesReason() throws Exception {
        var form = new Form(everyType());
        form.moveTo(1); // count
        form.set("count", "12");
        assertThat(form.problem("count")).isEmpty(); // not while typing
        form.next();
        var count = form.fields().get(1);
        assertThat(form.problem("count")).contains("must be at most 9, got 12").isEqualTo(count.decl().type().problem("12", count.decl()));
        form.moveTo(3);
        form.set("vip", "10.0.0.300");
        form.moveTo(5);
        assertThat(form.problem("vip")).contains("must be an IPv4 or IPv6 address, got '10.0.0.300'");
        form.set("port", "0");
        form.next();
        assertThat(form.problem("port")).get().asString().startsWith("must be a port number");
        // fixed, and left again: the reason goes
        form.moveTo(1);
        form.set("count", "9");
        form.next();
        assertThat(form.problem("count")).isEmpty();
    }

    @Test
    void nextRefusesWhileAFieldIsWrongAndGoesToTheFirstWrongOne() throws Exception {
        var form = new Form(everyType());
        assertThat(form.checkAll()).isFalse(); // vip, dir, primary, members and the password have no default
        assertThat(form.currentField().name()).isEqualTo("vip");
        assertThat(form.problem("vip")).contains("needs an answer");
        assertThat(form.problem("members")).contains("must name at least one node");
        fill(form);
        assertThat(form.checkAll()).isTrue();
        assertThat(form.wrongCount()).isZero();
    }

    static void fill(Form form) {
        form.set("vip", "10.0.0.50");
        form.set("dir", "/srv/x");
        form.set("primary", "ha2");
        form.set("members", "ha1 ha3");
        form.set("db_password", "s3cr3t-Pa55");
    }

    @Test
    void choicesBoolsAndNodesArePickedNotTyped() throws Exception {
        var form = new Form(everyType());
        form.moveTo(10); // flavour
        form.type('x', NODES);
        assertThat(form.answer("flavour")).isEqualTo("plain");
        form.cycle(1, NODES);
        assertThat(form.answer("flavour")).isEqualTo("fancy");
        form.moveTo(2); // enabled
        form.toggle(NODES);
        assertThat(form.answer("enabled")).isEqualTo("false");
        form.moveTo(8); // primary: one of the cluster's nodes
        form.cycle(1, NODES);
        form.cycle(1, NODES);
        assertThat(form.answer("primary")).isEqualTo("ha2");
        form.moveTo(9); // members: ticked in any order, kept in the cluster's
        form.cycle(1, NODES);
        form.cycle(1, NODES);
        form.toggle(NODES);
        form.cycle(-1, NODES);
        form.cycle(-1, NODES);
        form.toggle(NODES);
        assertThat(form.answer("members")).isEqualTo("ha1 ha3");
        form.toggle(NODES);
        assertThat(form.answer("members")).isEqualTo("ha3");
        // without nodes from the console (no agent answers yet) a node is typed
        form.moveTo(8);
        form.type('x', List.of());
        assertThat(form.answer("primary")).isEqualTo("ha2x");
    }

    @Test
    void theSavedVarsFileGivesTheEngineTheSameValuesAndKeepsTheSecretApart() throws Exception {
        var recipe = recipe("every-type");
        var form = new Form(recipe.playbook().orElseThrow());
        fill(form);
        var who = new Operator("otto", "SHA256:abc", "otto on call", Role.OPERATOR);
        var saved = SavedRun.save(dir, recipe, form, "20261205T120000Z-abcd", who, Instant.parse("2026-12-05T12:00:00Z"), List.of());

        assertThat(saved.vars()).isEqualTo(dir.resolve("every-type-20261205T120000Z-abcd/vars.yaml"));
        String vars = Files.readString(saved.vars());
        assertThat(vars).doesNotContain("s3cr3t-Pa55").contains("# db_password: a secret, kept in secrets.yaml");
        assertThat(Files.getPosixFilePermissions(saved.secrets().orElseThrow())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(saved.secrets().get())).contains("db_password: \"s3cr3t-Pa55\"");
        assertThat(saved.commandLine()).isEqualTo("vigil playbook apply " + recipe.file().toAbsolutePath() + " --vars " + saved.vars()
                + " --vars " + saved.secrets().get());

        // Both files read by the engine's own reader, as the command line's two --vars give them: every
        // answer as the form gives it to the engine.
        var resolved = Vars.resolve(recipe.playbook().get(), List.of(saved.vars(), saved.secrets().get()));
        assertThat(resolved.errors()).isEmpty();
        assertThat(resolved.values()).isEqualTo(form.values());
        var withoutSecret = Vars.resolve(recipe.playbook().get(), Optional.of(saved.vars()));
        assertThat(withoutSecret.errors()).singleElement().asString().contains("db_password");
    }

    @Test
    void aRecipeWithoutSecretsIsRepeatedWithOneVarsFile() throws Exception {
        var recipe = recipe("hello");
        var form = new Form(recipe.playbook().orElseThrow());
        form.set("dir", "/srv/www it's");
        var saved = SavedRun.save(dir, recipe, form, "20261205T120000Z-0001", new Operator("o", "SHA256:x", "", Role.ADMIN),
                Instant.EPOCH, List.of("--config", "/etc/vigil/cluster.yaml"));
        assertThat(saved.secrets()).isEmpty();
        assertThat(Files.exists(saved.dir().resolve("secrets.yaml"))).isFalse();
        assertThat(saved.commandLine()).endsWith(" --vars " + saved.vars() + " --config /etc/vigil/cluster.yaml");
        var resolved = Vars.resolve(recipe.playbook().get(), Optional.of(saved.vars()));
        assertThat(resolved.errors()).isEmpty();
        assertThat(resolved.values()).containsEntry("dir", "/srv/www it's").containsEntry("greeting", "hello");
        assertThat(SavedRun.quote("/srv/www it's")).isEqualTo("'/srv/www it'\\''s'");
    }
}
