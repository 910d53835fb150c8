package io.truenasgitops.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SemVerRangeTest {

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
        "^1.4        ; 1.4.0       ; true",
        "^1.4        ; 1.9.12      ; true",
        "^1.4        ; 2.0.0       ; false",
        "^1.4        ; 1.3.9       ; false",
        "^1.4        ; 1.5.0-beta  ; false",
        "^1.4        ; 2.0.0-rc.1  ; false",
        "^0.3.1      ; 0.3.9       ; true",
        "^0.3.1      ; 0.4.0       ; false",
        "^0.0.3      ; 0.0.4       ; false",
        "~1.4.2      ; 1.4.9       ; true",
        "~1.4.2      ; 1.5.0       ; false",
        "~1.4        ; 1.4.0       ; true",
        "~1          ; 1.9.0       ; true",
        "1.4         ; 1.4.7       ; true",
        "1.4.x       ; 1.5.0       ; false",
        "1.x         ; 1.99.0      ; true",
        "*           ; 7.0.0       ; true",
        "*           ; 7.0.0-rc.1  ; false",
        "1.4.2       ; 1.4.2       ; true",
        "1.4.2       ; 1.4.3       ; false",
        "=1.4.2      ; 1.4.2       ; true",
        ">=1.0 <2    ; 1.999.0     ; true",
        ">=1.0 <2    ; 2.0.0       ; false",
        ">= 1.0, < 2 ; 1.2.0       ; true",
        ">1.2        ; 1.2.9       ; false",
        ">1.2        ; 1.3.0       ; true",
        ">1.2.3      ; 1.2.4       ; true",
        "<=1.2       ; 1.2.9       ; true",
        "<=1.2       ; 1.3.0       ; false",
        "!=1.2.3     ; 1.2.3       ; false",
        "1.2 - 1.4   ; 1.4.9       ; true",
        "1.2 - 1.4   ; 1.5.0       ; false",
        "1.2 - 1.4.2 ; 1.4.3       ; false",
        "^1 || ^3    ; 3.1.0       ; true",
        "^1 || ^3    ; 2.1.0       ; false",
        ">=2.0.0-rc.1 <3 ; 2.0.0-rc.2 ; true",
        ">=2.0.0-rc.1 <3 ; 2.1.0-rc.1 ; false",
        "v1.4        ; 1.4.3       ; true",
    })
    void aRangeContainsTheVersionsNpmAndHelmUsersExpect(String range, String version, boolean expected) {
        assertThat(SemVerRange.parse(range.strip()).contains(SemVer.parse(version.strip()).orElseThrow()))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
        "``          ; the range is empty",
        "^1 ||       ; '||' needs a range on both sides",
        "banana      ; 'banana' is not a version",
        "1.2 - 3 - 4 ; more than one ' - '",
        "1.x-rc.1    ; a pre-release without all three numbers",
    })
    void aRangeThatIsNotOneSaysWhichPartIsWrong(String range, String message) {
        assertThatThrownBy(() -> SemVerRange.parse(range)).isInstanceOf(SemVerRange.InvalidRangeException.class)
                .hasMessageContaining(message.strip());
    }
}
