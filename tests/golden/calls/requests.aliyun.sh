#!/bin/sh
# The calls that carry out a plan, written by `eds-entitlement requests --format aliyun`.
# Read them, then run: sh THIS-FILE. Each wave is sent only once no desktop of the wave
# before is Assigning; a wave still Assigning after 50 s, or a call that fails, stops the
# script: then take a new snapshot and run `eds-entitlement requests` again.
set -eu

# wait_for_wave N --DesktopId.1 ID …: polls DescribeDesktops for these desktops (at most 100)
# every 5 s until none has the Assigning flag (ManagementFlags); stops after 50 s.
wait_for_wave() {
    wave=$1
    shift
    waited=0
    while :; do
        sleep 5
        waited=$((waited + 5))
        found=$(aliyun ecd DescribeDesktops --RegionId 'cn-hangzhou' --MaxResults 100 "$@" --version 2020-09-30 --force)
        case $found in
            *'"'[Aa][Ss][Ss][Ii][Gg][Nn][Ii][Nn][Gg]'"'*) ;;
            *) return 0 ;;
        esac
        if [ "$waited" -ge 50 ]; then
            echo "wave $wave: desktops still Assigning after 50 s: stopped" >&2
            exit 1
        fi
    done
}

# wave 1
aliyun ecd ModifyEntitlement --RegionId 'cn-hangzhou' --DesktopId 'ecd-a' --EndUserId.1 'Bob' --version 2020-09-30 --force
aliyun ecd ModifyEntitlement --RegionId 'cn-hangzhou' --DesktopId 'ecd-b' --EndUserId.1 'Alice' --EndUserId.2 'O'\''Neil' --version 2020-09-30 --force
aliyun ecd ModifyEntitlement --RegionId 'cn-hangzhou' --DesktopId='-ecd-c' --EndUserId.1 'Carol' --EndUserId.2 'Dave' --version 2020-09-30 --force
aliyun ecd ModifyEntitlement --RegionId 'cn-hangzhou' --DesktopId 'ecd-g' --EndUserId.1 'u001' --EndUserId.2 'u002' --EndUserId.3 'u003' --EndUserId.4 'u004' --EndUserId.5 'u005' --EndUserId.6 'u006' --EndUserId.7 'u007' --EndUserId.8 'u008' --EndUserId.9 'u009' --EndUserId.10 'u010' --EndUserId.11 'u011' --EndUserId.12 'u012' --EndUserId.13 'u013' --EndUserId.14 'u014' --EndUserId.15 'u015' --EndUserId.16 'u016' --EndUserId.17 'u017' --EndUserId.18 'u018' --EndUserId.19 'u019' --EndUserId.20 'u020' --EndUserId.21 'u021' --EndUserId.22 'u022' --EndUserId.23 'u023' --EndUserId.24 'u024' --EndUserId.25 'u025' --EndUserId.26 'u026' --EndUserId.27 'u027' --EndUserId.28 'u028' --EndUserId.29 'u029' --EndUserId.30 'u030' --EndUserId.31 'u031' --EndUserId.32 'u032' --EndUserId.33 'u033' --EndUserId.34 'u034' --EndUserId.35 'u035' --EndUserId.36 'u036' --EndUserId.37 'u037' --EndUserId.38 'u038' --EndUserId.39 'u039' --EndUserId.40 'u040' --EndUserId.41 'u041' --EndUserId.42 'u042' --EndUserId.43 'u043' --EndUserId.44 'u044' --EndUserId.45 'u045' --EndUserId.46 'u046' --EndUserId.47 'u047' --EndUserId.48 'u048' --EndUserId.49 'u049' --EndUserId.50 'u050' --EndUserId.51 'u051' --EndUserId.52 'u052' --EndUserId.53 'u053' --EndUserId.54 'u054' --EndUserId.55 'u055' --EndUserId.56 'u056' --EndUserId.57 'u057' --EndUserId.58 'u058' --EndUserId.59 'u059' --EndUserId.60 'u060' --EndUserId.61 'u061' --EndUserId.62 'u062' --EndUserId.63 'u063' --EndUserId.64 'u064' --EndUserId.65 'u065' --EndUserId.66 'u066' --EndUserId.67 'u067' --EndUserId.68 'u068' --EndUserId.69 'u069' --EndUserId.70 'u070' --EndUserId.71 'u071' --EndUserId.72 'u072' --EndUserId.73 'u073' --EndUserId.74 'u074' --EndUserId.75 'u075' --EndUserId.76 'u076' --EndUserId.77 'u077' --EndUserId.78 'u078' --EndUserId.79 'u079' --EndUserId.80 'u080' --EndUserId.81 'u081' --EndUserId.82 'u082' --EndUserId.83 'u083' --EndUserId.84 'u084' --EndUserId.85 'u085' --EndUserId.86 'u086' --EndUserId.87 'u087' --EndUserId.88 'u088' --EndUserId.89 'u089' --EndUserId.90 'u090' --EndUserId.91 'u091' --EndUserId.92 'u092' --EndUserId.93 'u093' --EndUserId.94 'u094' --EndUserId.95 'u095' --EndUserId.96 'u096' --EndUserId.97 'u097' --EndUserId.98 'u098' --EndUserId.99 'u099' --EndUserId.100 'u100' --version 2020-09-30 --force
aliyun ecd ModifyEntitlement --RegionId 'cn-hangzhou' --DesktopId 'ecd-h' --EndUserId.1 'u001' --EndUserId.2 'u002' --EndUserId.3 'u003' --EndUserId.4 'u004' --EndUserId.5 'u005' --EndUserId.6 'u006' --EndUserId.7 'u007' --EndUserId.8 'u008' --EndUserId.9 'u009' --EndUserId.10 'u010' --EndUserId.11 'u011' --EndUserId.12 'u012' --EndUserId.13 'u013' --EndUserId.14 'u014' --EndUserId.15 'u015' --EndUserId.16 'u016' --EndUserId.17 'u017' --EndUserId.18 'u018' --EndUserId.19 'u019' --EndUserId.20 'u020' --EndUserId.21 'u021' --EndUserId.22 'u022' --EndUserId.23 'u023' --EndUserId.24 'u024' --EndUserId.25 'u025' --EndUserId.26 'u026' --EndUserId.27 'u027' --EndUserId.28 'u028' --EndUserId.29 'u029' --EndUserId.30 'u030' --EndUserId.31 'u031' --EndUserId.32 'u032' --EndUserId.33 'u033' --EndUserId.34 'u034' --EndUserId.35 'u035' --EndUserId.36 'u036' --EndUserId.37 'u037' --EndUserId.38 'u038' --EndUserId.39 'u039' --EndUserId.40 'u040' --EndUserId.41 'u041' --EndUserId.42 'u042' --EndUserId.43 'u043' --EndUserId.44 'u044' --EndUserId.45 'u045' --EndUserId.46 'u046' --EndUserId.47 'u047' --EndUserId.48 'u048' --EndUserId.49 'u049' --EndUserId.50 'u050' --EndUserId.51 'u051' --EndUserId.52 'u052' --EndUserId.53 'u053' --EndUserId.54 'u054' --EndUserId.55 'u055' --EndUserId.56 'u056' --EndUserId.57 'u057' --EndUserId.58 'u058' --EndUserId.59 'u059' --EndUserId.60 'u060' --EndUserId.61 'u061' --EndUserId.62 'u062' --EndUserId.63 'u063' --EndUserId.64 'u064' --EndUserId.65 'u065' --EndUserId.66 'u066' --EndUserId.67 'u067' --EndUserId.68 'u068' --EndUserId.69 'u069' --EndUserId.70 'u070' --EndUserId.71 'u071' --EndUserId.72 'u072' --EndUserId.73 'u073' --EndUserId.74 'u074' --EndUserId.75 'u075' --EndUserId.76 'u076' --EndUserId.77 'u077' --EndUserId.78 'u078' --EndUserId.79 'u079' --EndUserId.80 'u080' --EndUserId.81 'u081' --EndUserId.82 'u082' --EndUserId.83 'u083' --EndUserId.84 'u084' --EndUserId.85 'u085' --EndUserId.86 'u086' --EndUserId.87 'u087' --EndUserId.88 'u088' --EndUserId.89 'u089' --EndUserId.90 'u090' --EndUserId.91 'u091' --EndUserId.92 'u092' --EndUserId.93 'u093' --EndUserId.94 'u094' --EndUserId.95 'u095' --EndUserId.96 'u096' --EndUserId.97 'u097' --EndUserId.98 'u098' --EndUserId.99 'u099' --EndUserId.100 'u100' --version 2020-09-30 --force
wait_for_wave 1 --DesktopId.1 'ecd-a' --DesktopId.2 'ecd-b' --DesktopId.3='-ecd-c' --DesktopId.4 'ecd-g' --DesktopId.5 'ecd-h'

# wave 2
aliyun ecd ModifyUserEntitlement --RegionId 'cn-hangzhou' --AuthorizeDesktopId.1 'ecd-g' --AuthorizeDesktopId.2 'ecd-h' --EndUserId.1 'u101' --EndUserId.2 'u102' --EndUserId.3 'u103' --EndUserId.4 'u104' --EndUserId.5 'u105' --EndUserId.6 'u106' --EndUserId.7 'u107' --EndUserId.8 'u108' --EndUserId.9 'u109' --EndUserId.10 'u110' --EndUserId.11 'u111' --EndUserId.12 'u112' --EndUserId.13 'u113' --EndUserId.14 'u114' --EndUserId.15 'u115' --EndUserId.16 'u116' --EndUserId.17 'u117' --EndUserId.18 'u118' --EndUserId.19 'u119' --EndUserId.20 'u120' --EndUserId.21 'u121' --EndUserId.22 'u122' --EndUserId.23 'u123' --EndUserId.24 'u124' --EndUserId.25 'u125' --EndUserId.26 'u126' --EndUserId.27 'u127' --EndUserId.28 'u128' --EndUserId.29 'u129' --EndUserId.30 'u130' --EndUserId.31 'u131' --EndUserId.32 'u132' --EndUserId.33 'u133' --EndUserId.34 'u134' --EndUserId.35 'u135' --EndUserId.36 'u136' --EndUserId.37 'u137' --EndUserId.38 'u138' --EndUserId.39 'u139' --EndUserId.40 'u140' --EndUserId.41 'u141' --EndUserId.42 'u142' --EndUserId.43 'u143' --EndUserId.44 'u144' --EndUserId.45 'u145' --EndUserId.46 'u146' --EndUserId.47 'u147' --EndUserId.48 'u148' --EndUserId.49 'u149' --EndUserId.50 'u150' --version 2020-09-30 --force
wait_for_wave 2 --DesktopId.1 'ecd-g' --DesktopId.2 'ecd-h'
