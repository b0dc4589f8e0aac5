package dev.evalbox.kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class MavenSettingsTest {
    @Test
    void userSettingsGiveTheLocalRepositoryAndTheirMirrorsComeFirst(@TempDir Path dir) throws Exception {
        Path user = dir.resolve("settings.xml");
        Files.writeString(user, """
                <settings xmlns="http://maven.apache.org/SETTINGS/1.2.0">
                  <localRepository>/tmp/evalbox-m2</localRepository>
                  <mirrors>
                    <mirror><id>company</id><mirrorOf>central</mirrorOf><url>http://127.0.0.1:9/repo</url></mirror>
                    <mirror><id>off</id><mirrorOf>external:http:*</mirrorOf><url>http://127.0.0.1:9/x</url><blocked>true</blocked></mirror>
                  </mirrors>
                </settings>
                """);
        MavenSettings settings = MavenSettings.read(user);
        assertEquals(Path.of("/tmp/evalbox-m2"), settings.localRepository());
        assertEquals(new MavenSettings.Mirror("company", "central", "http://127.0.0.1:9/repo", false), settings.mirrors().get(0));
        assertTrue(settings.mirrors().get(1).blocked());
    }

    @Test
    void centralComesFromMavensSuperPom() {
        assertTrue(MavenJars.centralUrl().startsWith("https://"), MavenJars.centralUrl());
    }
}
