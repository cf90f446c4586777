#compdef teamctl

__teamctl_complete() {
    local -ar non_empty_completions=("${@:#(|:*)}")
    local -ar empty_completions=("${(M)@:#(|:*)}")
    _describe -V '' non_empty_completions -- empty_completions -P $'\'\''
}

__teamctl_custom_complete() {
    local -a completions
    completions=("${(@f)"$("${command_name}" "${@}" "${command_line[@]}")"}")
    if [[ "${#completions[@]}" -gt 1 ]]; then
        __teamctl_complete "${completions[@]:0:-1}"
    fi
}

__teamctl_cursor_index_in_current_word() {
    if [[ -z "${QIPREFIX}${IPREFIX}${PREFIX}" ]]; then
        printf 0
    else
        printf %s "${#${(z)LBUFFER}[-1]}"
    fi
}

_teamctl() {
    emulate -RL zsh -G
    setopt extendedglob nullglob numericglobsort
    unsetopt aliases banghist

    local -xr SAP_SHELL=zsh
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(builtin emulate zsh -c 'printf %s "${ZSH_VERSION}"')"
    local -r SAP_SHELL_VERSION

    local context state state_descr line
    local -A opt_args

    local -r command_name="${words[1]}"
    local -ar command_line=("${words[@]}")
    local -ir current_word_index="$((CURRENT - 1))"

    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'validate:Check team manifests and report every problem, with file, line and column.'
            'refresh:Read the facility'\''s current state into the local cache as a new snapshot.'
            'status:Show the facility'\''s systems and outages; exit 3 when the account system (iris at NERSC) is not active.'
            'plan:Show what apply would change to make the facility match the manifests.'
            'apply:Apply a plan: from manifests (-f), or exactly a saved plan file.'
            'history:List past applies, or every recorded step of one (by run id or a unique prefix).'
            'ack:Mark unverifiable manual items (e.g. a permission granted in Iris) as done.'
            'usage:Report allocation usage: hours and storage, burn rate, run-out date, year elapsed vs used.'
            'drift:List changes made at the facilities outside teamctl: who joined, left, or changed, and when.'
            'report:Write the team page: roster across facilities, open manual items, outside changes and usage.'
            'person:Show where a person is at each of the team'\''s facilities: as wanted, and as last seen.'
            'import:Write a team manifest from what the facility shows now.'
            'roster:Compare a collaboration'\''s membership list with a team and its people file.'
            'demo:Run validate, refresh, plan, apply, a second plan and a usage report against a built-in emulator.'
            'doctor:Check the config, key file, cache, facility and clock a first run needs; exit 1 on a problem.'
            'help:Show subcommand help information.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        validate|refresh|status|plan|apply|history|ack|usage|drift|report|person|import|roster|demo|doctor|help)
            "_teamctl_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_teamctl_validate() {
    local -i ret=1
    local -ar ___format=('text' 'json')
    local -ar arg_specs=(
        '*:paths:'
        '--today[The day to check end dates against, as YYYY-MM-DD (default\: today in UTC).]:today:'
        '--format[Output format\: text, or json (one document on standard output).]:format:{__teamctl_complete "${___format[@]}"}'
        '--people-outside[Let a team'\''s '\''people\:'\'' file lie outside the team manifest'\''s folder (for a team file you trust).]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_teamctl_refresh() {
    local -i ret=1
    local -ar arg_specs=(
        '*'{--file,-f}'[A team manifest, or a folder of them, whose groups to read too (repeatable).]:file:'
        '*--facility[With a team manifest (version 2)\: refresh this facility only (repeatable; default\: all of the team'\''s).]:facility:'
        '--profile[The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).]:profile:'
        '--api-url[The SFAPI root URL (env TEAMCTL_API_URL; default https\://api.nersc.gov/api/v1.2).]:api-url:'
        '--token-url[The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https\://oidc.nersc.gov/c2id/token).]:token-url:'
        '--client-id[The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).]:client-id:'
        '--key[The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default\: ~/.superfacility/*).]:key:'
        '--cache[The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).]:cache:'
        '--concurrency[Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).]:concurrency:'
        '--people-outside[Let a team'\''s '\''people\:'\'' file lie outside the team manifest'\''s folder (for a team file you trust).]'
        '--request-timeout[Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).]:seconds:'
        '--max-response-bytes[The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).]:size:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_teamctl_status() {
    local -i ret=1
    local -ar arg_specs=(
        '--profile[The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).]:profile:'
        '--api-url[The SFAPI root URL (env TEAMCTL_API_URL; default https\://api.nersc.gov/api/v1.2).]:api-url:'
        '--token-url[The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https\://oidc.nersc.gov/c2id/token).]:token-url:'
        '--client-id[The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).]:client-id:'
        '--key[The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default\: ~/.superfacility/*).]:key:'
        '--cache[The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).]:cache:'
        '--concurrency[Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).]:concurrency:'
        '--people-outside[Let a team'\''s '\''people\:'\'' file lie outside the team manifest'\''s folder (for a team file you trust).]'
        '--request-timeout[Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).]:seconds:'
        '--max-response-bytes[The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).]:size:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_teamctl_plan() {
    local -i ret=1
    local -ar ___format=('text' 'json' 'markdown')
    local -ar arg_specs=(
        '*'{--file,-f}'[Team manifest files or directories (repeatable).]:file:'
        '--out[Save the plan to this file (JSON, mode 0600) for '\''teamctl apply PLANFILE'\''.]:out:'
        '--format[Output format\: text, json or markdown.]:format:{__teamctl_complete "${___format[@]}"}'
        '--detailed-exitcode[Exit 0 when in sync, 2 when there are changes to apply, 3 when only manual items remain.]'
        '--no-refresh[Plan against the newest cached snapshot instead of reading the facility first.]'
        '--max-removals[Refuse plans with more membership removals than this (overrides the manifests'\'' max_removals).]:max-removals:'
        '--today[The day to judge membership end dates against, YYYY-MM-DD (default\: today in UTC).]:today:'
        '*--facility[With a team manifest (version 2)\: act on this facility only (repeatable; default\: all of the team'\''s).]:facility:'
        '--profile[The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).]:profile:'
        '--api-url[The SFAPI root URL (env TEAMCTL_API_URL; default https\://api.nersc.gov/api/v1.2).]:api-url:'
        '--token-url[The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https\://oidc.nersc.gov/c2id/token).]:token-url:'
        '--client-id[The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).]:client-id:'
        '--key[The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default\: ~/.superfacility/*).]:key:'
        '--cache[The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).]:cache:'
        '--concurrency[Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).]:concurrency:'
        '--people-outside[Let a team'\''s '\''people\:'\'' file lie outside the team manifest'\''s folder (for a team file you trust).]'
        '--request-timeout[Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).]:seconds:'
        '--max-response-bytes[The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).]:size:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_teamctl_apply() {
    local -i ret=1
    local -ar arg_specs=(
        ':plan-file:'
        '*'{--file,-f}'[Team manifest files or directories (repeatable).]:file:'
        '--dry-run[Show what would be sent, and send no change.]'
        '--yes[Do not ask for confirmation.]'
        '--ignore-status[Apply even when the account system (iris) is not active.]'
        '--max-removals[Refuse plans with more membership removals than this (overrides the manifests'\'' max_removals).]:max-removals:'
        '--today[The day to judge membership end dates against, YYYY-MM-DD (default\: today in UTC).]:today:'
        '*--facility[With a team manifest (version 2)\: act on this facility only (repeatable; default\: all of the team'\''s).]:facility:'
        '--profile[The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).]:profile:'
        '--api-url[The SFAPI root URL (env TEAMCTL_API_URL; default https\://api.nersc.gov/api/v1.2).]:api-url:'
        '--token-url[The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https\://oidc.nersc.gov/c2id/token).]:token-url:'
        '--client-id[The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).]:client-id:'
        '--key[The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default\: ~/.superfacility/*).]:key:'
        '--cache[The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).]:cache:'
        '--concurrency[Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).]:concurrency:'
        '--people-outside[Let a team'\''s '\''people\:'\'' file lie outside the team manifest'\''s folder (for a team file you trust).]'
        '--request-timeout[Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).]:seconds:'
        '--max-response-bytes[The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).]:size:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_teamctl_history() {
    local -i ret=1
    local -ar arg_specs=(
        ':run:'
        '--limit[How many runs to list.]:limit:'
        '--profile[The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).]:profile:'
        '--api-url[The SFAPI root URL (env TEAMCTL_API_URL; default https\://api.nersc.gov/api/v1.2).]:api-url:'
        '--token-url[The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https\://oidc.nersc.gov/c2id/token).]:token-url:'
        '--client-id[The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).]:client-id:'
        '--key[The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default\: ~/.superfacility/*).]:key:'
        '--cache[The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).]:cache:'
        '--concurrency[Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).]:concurrency:'
        '--people-outside[Let a team'\''s '\''people\:'\'' file lie outside the team manifest'\''s folder (for a team file you trust).]'
        '--request-timeout[Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).]:seconds:'
        '--max-response-bytes[The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).]:size:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_teamctl_ack() {
    local -i ret=1
    local -ar arg_specs=(
        '*:items:'
        '--note[A note to keep with the acknowledgement (who did it, a ticket).]:note:'
        '--profile[The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).]:profile:'
        '--api-url[The SFAPI root URL (env TEAMCTL_API_URL; default https\://api.nersc.gov/api/v1.2).]:api-url:'
        '--token-url[The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https\://oidc.nersc.gov/c2id/token).]:token-url:'
        '--client-id[The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).]:client-id:'
        '--key[The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default\: ~/.superfacility/*).]:key:'
        '--cache[The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).]:cache:'
        '--concurrency[Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).]:concurrency:'
        '--people-outside[Let a team'\''s '\''people\:'\'' file lie outside the team manifest'\''s folder (for a team file you trust).]'
        '--request-timeout[Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).]:seconds:'
        '--max-response-bytes[The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).]:size:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_teamctl_usage() {
    local -i ret=1
    local -ar ___format=('table' 'csv' 'json' 'html')
    local -ar arg_specs=(
        '*--project[Only this project (repeatable).]:project:'
        '--since[Measure the burn rate from this day on, YYYY-MM-DD (default\: the allocation year'\''s start).]:since:'
        '--window[Fit the burn rate over snapshots spanning at least this many days; with less history, use the year'\''s average.]:days:'
        '--format[Output format\: table, csv, json or html.]:format:{__teamctl_complete "${___format[@]}"}'
        '--out[Write the report to this file instead of standard output.]:out:'
        '--warn-at[Warn (exit 4) when a figure reaches this percentage or the allocation runs out before the year ends.]:warn-at:'
        '--warn-on-average[With --warn-at, also warn on a run-out projected from the year-to-date average.]'
        '--year-start-month[The month the allocation year starts, 1-12 (NERSC\: 1).]:year-start-month:'
        '--refresh[Read the facility first, adding a snapshot.]'
        '(--file -f)'{--file,-f}'[A team manifest (version 2)\: report every facility of it, and each person across them.]:file:'
        '*--facility[With -f\: only this facility of the team (repeatable; default\: all of the team'\''s).]:facility:'
        '--profile[The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).]:profile:'
        '--api-url[The SFAPI root URL (env TEAMCTL_API_URL; default https\://api.nersc.gov/api/v1.2).]:api-url:'
        '--token-url[The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https\://oidc.nersc.gov/c2id/token).]:token-url:'
        '--client-id[The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).]:client-id:'
        '--key[The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default\: ~/.superfacility/*).]:key:'
        '--cache[The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).]:cache:'
        '--concurrency[Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).]:concurrency:'
        '--people-outside[Let a team'\''s '\''people\:'\'' file lie outside the team manifest'\''s folder (for a team file you trust).]'
        '--request-timeout[Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).]:seconds:'
        '--max-response-bytes[The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).]:size:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_teamctl_drift() {
    local -i ret=1
    local -ar ___format=('text' 'json')
    local -ar arg_specs=(
        '*'{--file,-f}'[Team manifest files or directories (repeatable), or one team manifest.]:file:'
        '--since[Only changes first seen on or after this day, YYYY-MM-DD (UTC).]:since:'
        '--format[Output format\: text or json.]:format:{__teamctl_complete "${___format[@]}"}'
        '--refresh[Read the facilities first, adding a snapshot, so the newest changes show.]'
        '--max-removals[Refuse plans with more membership removals than this (overrides the manifests'\'' max_removals).]:max-removals:'
        '--today[The day to judge membership end dates against, YYYY-MM-DD (default\: today in UTC).]:today:'
        '*--facility[With a team manifest (version 2)\: act on this facility only (repeatable; default\: all of the team'\''s).]:facility:'
        '--profile[The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).]:profile:'
        '--api-url[The SFAPI root URL (env TEAMCTL_API_URL; default https\://api.nersc.gov/api/v1.2).]:api-url:'
        '--token-url[The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https\://oidc.nersc.gov/c2id/token).]:token-url:'
        '--client-id[The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).]:client-id:'
        '--key[The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default\: ~/.superfacility/*).]:key:'
        '--cache[The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).]:cache:'
        '--concurrency[Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).]:concurrency:'
        '--people-outside[Let a team'\''s '\''people\:'\'' file lie outside the team manifest'\''s folder (for a team file you trust).]'
        '--request-timeout[Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).]:seconds:'
        '--max-response-bytes[The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).]:size:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_teamctl_report() {
    local -i ret=1
    local -ar ___format=('html' 'json')
    local -ar arg_specs=(
        '(--file -f)'{--file,-f}'[The team manifest (version 2).]:file:'
        '--out[Write the page to this file instead of standard output.]:out:'
        '--format[Output format\: html or json.]:format:{__teamctl_complete "${___format[@]}"}'
        '--drift-days[Show changes made outside teamctl in this many days before today.]:drift-days:'
        '--refresh[Read the facilities first, adding a snapshot.]'
        '--max-removals[Refuse plans with more membership removals than this (overrides the manifests'\'' max_removals).]:max-removals:'
        '--today[The day to judge membership end dates against, YYYY-MM-DD (default\: today in UTC).]:today:'
        '*--facility[With a team manifest (version 2)\: act on this facility only (repeatable; default\: all of the team'\''s).]:facility:'
        '--profile[The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).]:profile:'
        '--api-url[The SFAPI root URL (env TEAMCTL_API_URL; default https\://api.nersc.gov/api/v1.2).]:api-url:'
        '--token-url[The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https\://oidc.nersc.gov/c2id/token).]:token-url:'
        '--client-id[The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).]:client-id:'
        '--key[The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default\: ~/.superfacility/*).]:key:'
        '--cache[The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).]:cache:'
        '--concurrency[Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).]:concurrency:'
        '--people-outside[Let a team'\''s '\''people\:'\'' file lie outside the team manifest'\''s folder (for a team file you trust).]'
        '--request-timeout[Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).]:seconds:'
        '--max-response-bytes[The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).]:size:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_teamctl_person() {
    local -i ret=1
    local -ar ___format=('text' 'json')
    local -ar arg_specs=(
        ':person:'
        '(--file -f)'{--file,-f}'[The team manifest (version 2).]:file:'
        '--format[Output format\: text or json.]:format:{__teamctl_complete "${___format[@]}"}'
        '--max-removals[Refuse plans with more membership removals than this (overrides the manifests'\'' max_removals).]:max-removals:'
        '--today[The day to judge membership end dates against, YYYY-MM-DD (default\: today in UTC).]:today:'
        '*--facility[With a team manifest (version 2)\: act on this facility only (repeatable; default\: all of the team'\''s).]:facility:'
        '--profile[The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).]:profile:'
        '--api-url[The SFAPI root URL (env TEAMCTL_API_URL; default https\://api.nersc.gov/api/v1.2).]:api-url:'
        '--token-url[The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https\://oidc.nersc.gov/c2id/token).]:token-url:'
        '--client-id[The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).]:client-id:'
        '--key[The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default\: ~/.superfacility/*).]:key:'
        '--cache[The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).]:cache:'
        '--concurrency[Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).]:concurrency:'
        '--people-outside[Let a team'\''s '\''people\:'\'' file lie outside the team manifest'\''s folder (for a team file you trust).]'
        '--request-timeout[Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).]:seconds:'
        '--max-response-bytes[The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).]:size:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_teamctl_import() {
    local -i ret=1
    local -ar arg_specs=(
        '--project[The facility project (repo name), e.g. m1234.]:project:'
        '--team[Import a team across facilities (manifest version 2) with this name; needs --facility.]:team:'
        '*--facility[With --team\: a facility profile and the project there, as PROFILE=PROJECT (repeatable).]:facility:'
        '--people-output[With --team\: write the people file here (the team manifest names it relative to itself).]:people-output:'
        '(-o --output)'{-o,--output}'[Write the manifest here (default\: standard output).]:output:'
        '*--group[Only these groups (repeatable; default\: every group you can see).]:group:'
        '--no-refresh[Use the newest cached snapshot instead of reading the facility.]'
        '--force[Overwrite the output file if it exists.]'
        '--profile[The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).]:profile:'
        '--api-url[The SFAPI root URL (env TEAMCTL_API_URL; default https\://api.nersc.gov/api/v1.2).]:api-url:'
        '--token-url[The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https\://oidc.nersc.gov/c2id/token).]:token-url:'
        '--client-id[The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).]:client-id:'
        '--key[The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default\: ~/.superfacility/*).]:key:'
        '--cache[The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).]:cache:'
        '--concurrency[Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).]:concurrency:'
        '--people-outside[Let a team'\''s '\''people\:'\'' file lie outside the team manifest'\''s folder (for a team file you trust).]'
        '--request-timeout[Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).]:seconds:'
        '--max-response-bytes[The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).]:size:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_teamctl_roster() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'diff:Show who is on a CSV membership list but not in the team, and the other way round.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        diff)
            "_teamctl_roster_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_teamctl_roster_diff() {
    local -i ret=1
    local -ar ___format=('text' 'json')
    local -ar arg_specs=(
        '(--file -f)'{--file,-f}'[The team manifest (version 2, naming its people file).]:team:'
        '--csv[The collaboration'\''s membership list, as CSV with a header row.]:file:'
        '--id-column[The column holding each person'\''s id in the people file.]:id-column:'
        '--name-column[The column holding each person'\''s full name.]:name-column:'
        '--email-column[The column holding each person'\''s email address.]:email-column:'
        '*--account-column[The column holding usernames at a facility (repeatable).]:facility=column:'
        '--mapping[A YAML file naming the columns\: {id\: C, name\: C, email\: C, accounts\: {FACILITY\: C}}.]:file:'
        '--write[Edit the people file and the team manifest to match the list.]'
        '--today[The day to judge end dates against, YYYY-MM-DD (default\: today in UTC).]:today:'
        '--format[Output format\: text, or json (one document on standard output).]:format:{__teamctl_complete "${___format[@]}"}'
        '--detailed-exitcode[Exit 0 when the list and the team agree, 2 when they differ (with --write\: differed before it).]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_teamctl_demo() {
    local -i ret=1
    local -ar arg_specs=(
        '--seed[The emulator'\''s seed file.]:seed:'
        '--manifest[The team manifest to apply.]:manifest:'
        '--cache[Keep the cache here instead of a temporary folder (it is reused if it exists).]:cache:'
        '--today[The day the demo runs on, YYYY-MM-DD (default\: 2026-11-25, the day the examples describe, so the demo shows the same on any day it is run).]:today:'
        '--multi[Run one team across two facilities instead\: examples/multi/team.yaml on the built-in emulator (NERSC) and a local Slurm accounting stack (frontier), started with '\''scripts/slurm-stack up 24.11'\''.]'
        '--slurm-env[With --multi\: the Slurm stack'\''s stack.env (default\: the first stack up under $TEAMCTL_SLURM_DIR).]:slurm-env:'
        '--page[With --multi\: write the team page here at the end (as '\''teamctl report -f TEAM --out FILE'\'').]:file:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_teamctl_doctor() {
    local -i ret=1
    local -ar arg_specs=(
        '--timeout[The longest wait for any one request, in seconds.]:timeout:'
        '--profile[The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).]:profile:'
        '--api-url[The SFAPI root URL (env TEAMCTL_API_URL; default https\://api.nersc.gov/api/v1.2).]:api-url:'
        '--token-url[The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https\://oidc.nersc.gov/c2id/token).]:token-url:'
        '--client-id[The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).]:client-id:'
        '--key[The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default\: ~/.superfacility/*).]:key:'
        '--cache[The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).]:cache:'
        '--concurrency[Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).]:concurrency:'
        '--people-outside[Let a team'\''s '\''people\:'\'' file lie outside the team manifest'\''s folder (for a team file you trust).]'
        '--request-timeout[Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).]:seconds:'
        '--max-response-bytes[The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).]:size:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_teamctl_help() {
    local -i ret=1
    local -ar arg_specs=(
        '*:subcommands:'
        '--version[Show the version.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

if [[ "${funcstack[1]}" = _teamctl ]]; then
    _teamctl "${@}"
else
    compdef _teamctl teamctl
fi
