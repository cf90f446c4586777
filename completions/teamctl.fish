function __teamctl_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __teamctl_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __teamctl_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __teamctl_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __teamctl_parse_tokens -S
    set -l unparsed_tokens (__teamctl_tokens -pc)
    switch $unparsed_tokens[1]
    case 'teamctl'
        __teamctl_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'validate'
            __teamctl_parse_subcommand -r 1 'today=' 'format=' 'people-outside' 'version' 'h/help'
        case 'refresh'
            __teamctl_parse_subcommand 0 'f/file=+' 'facility=+' 'profile=' 'api-url=' 'token-url=' 'client-id=' 'key=' 'cache=' 'concurrency=' 'people-outside' 'request-timeout=' 'max-response-bytes=' 'version' 'h/help'
        case 'status'
            __teamctl_parse_subcommand 0 'profile=' 'api-url=' 'token-url=' 'client-id=' 'key=' 'cache=' 'concurrency=' 'people-outside' 'request-timeout=' 'max-response-bytes=' 'version' 'h/help'
        case 'plan'
            __teamctl_parse_subcommand 0 'f/file=+' 'out=' 'format=' 'detailed-exitcode' 'no-refresh' 'max-removals=' 'today=' 'facility=+' 'profile=' 'api-url=' 'token-url=' 'client-id=' 'key=' 'cache=' 'concurrency=' 'people-outside' 'request-timeout=' 'max-response-bytes=' 'version' 'h/help'
        case 'apply'
            __teamctl_parse_subcommand 1 'f/file=+' 'dry-run' 'yes' 'ignore-status' 'max-removals=' 'today=' 'facility=+' 'profile=' 'api-url=' 'token-url=' 'client-id=' 'key=' 'cache=' 'concurrency=' 'people-outside' 'request-timeout=' 'max-response-bytes=' 'version' 'h/help'
        case 'history'
            __teamctl_parse_subcommand 1 'limit=' 'profile=' 'api-url=' 'token-url=' 'client-id=' 'key=' 'cache=' 'concurrency=' 'people-outside' 'request-timeout=' 'max-response-bytes=' 'version' 'h/help'
        case 'ack'
            __teamctl_parse_subcommand -r 1 'note=' 'profile=' 'api-url=' 'token-url=' 'client-id=' 'key=' 'cache=' 'concurrency=' 'people-outside' 'request-timeout=' 'max-response-bytes=' 'version' 'h/help'
        case 'usage'
            __teamctl_parse_subcommand 0 'project=+' 'since=' 'window=' 'format=' 'out=' 'warn-at=' 'warn-on-average' 'year-start-month=' 'refresh' 'f/file=' 'facility=+' 'profile=' 'api-url=' 'token-url=' 'client-id=' 'key=' 'cache=' 'concurrency=' 'people-outside' 'request-timeout=' 'max-response-bytes=' 'version' 'h/help'
        case 'drift'
            __teamctl_parse_subcommand 0 'f/file=+' 'since=' 'format=' 'refresh' 'max-removals=' 'today=' 'facility=+' 'profile=' 'api-url=' 'token-url=' 'client-id=' 'key=' 'cache=' 'concurrency=' 'people-outside' 'request-timeout=' 'max-response-bytes=' 'version' 'h/help'
        case 'report'
            __teamctl_parse_subcommand 0 'f/file=' 'out=' 'format=' 'drift-days=' 'refresh' 'max-removals=' 'today=' 'facility=+' 'profile=' 'api-url=' 'token-url=' 'client-id=' 'key=' 'cache=' 'concurrency=' 'people-outside' 'request-timeout=' 'max-response-bytes=' 'version' 'h/help'
        case 'person'
            __teamctl_parse_subcommand 1 'f/file=' 'format=' 'max-removals=' 'today=' 'facility=+' 'profile=' 'api-url=' 'token-url=' 'client-id=' 'key=' 'cache=' 'concurrency=' 'people-outside' 'request-timeout=' 'max-response-bytes=' 'version' 'h/help'
        case 'import'
            __teamctl_parse_subcommand 0 'project=' 'team=' 'facility=+' 'people-output=' 'o/output=' 'group=+' 'no-refresh' 'force' 'profile=' 'api-url=' 'token-url=' 'client-id=' 'key=' 'cache=' 'concurrency=' 'people-outside' 'request-timeout=' 'max-response-bytes=' 'version' 'h/help'
        case 'roster'
            __teamctl_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'diff'
                __teamctl_parse_subcommand 0 'f/file=' 'csv=' 'id-column=' 'name-column=' 'email-column=' 'account-column=+' 'mapping=' 'write' 'today=' 'format=' 'detailed-exitcode' 'version' 'h/help'
            end
        case 'demo'
            __teamctl_parse_subcommand 0 'seed=' 'manifest=' 'cache=' 'today=' 'multi' 'slurm-env=' 'page=' 'version' 'h/help'
        case 'doctor'
            __teamctl_parse_subcommand 0 'timeout=' 'profile=' 'api-url=' 'token-url=' 'client-id=' 'key=' 'cache=' 'concurrency=' 'people-outside' 'request-timeout=' 'max-response-bytes=' 'version' 'h/help'
        case 'help'
            __teamctl_parse_subcommand -r 1 'version'
        end
    end
end

function __teamctl_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __teamctl_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __teamctl_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __teamctl_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__teamctl_tokens -p)
    if test -z "$(__teamctl_tokens -t)"
        set -l index (count (__teamctl_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'teamctl' -f
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl" version' -l 'version' -d 'Show the version.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_positional "teamctl" -eq 1' -fa 'validate' -d 'Check team manifests and report every problem, with file, line and column.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_positional "teamctl" -eq 1' -fa 'refresh' -d 'Read the facility\'s current state into the local cache as a new snapshot.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_positional "teamctl" -eq 1' -fa 'status' -d 'Show the facility\'s systems and outages; exit 3 when the account system (iris at NERSC) is not active.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_positional "teamctl" -eq 1' -fa 'plan' -d 'Show what apply would change to make the facility match the manifests.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_positional "teamctl" -eq 1' -fa 'apply' -d 'Apply a plan: from manifests (-f), or exactly a saved plan file.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_positional "teamctl" -eq 1' -fa 'history' -d 'List past applies, or every recorded step of one (by run id or a unique prefix).'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_positional "teamctl" -eq 1' -fa 'ack' -d 'Mark unverifiable manual items (e.g. a permission granted in Iris) as done.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_positional "teamctl" -eq 1' -fa 'usage' -d 'Report allocation usage: hours and storage, burn rate, run-out date, year elapsed vs used.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_positional "teamctl" -eq 1' -fa 'drift' -d 'List changes made at the facilities outside teamctl: who joined, left, or changed, and when.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_positional "teamctl" -eq 1' -fa 'report' -d 'Write the team page: roster across facilities, open manual items, outside changes and usage.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_positional "teamctl" -eq 1' -fa 'person' -d 'Show where a person is at each of the team\'s facilities: as wanted, and as last seen.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_positional "teamctl" -eq 1' -fa 'import' -d 'Write a team manifest from what the facility shows now.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_positional "teamctl" -eq 1' -fa 'roster' -d 'Compare a collaboration\'s membership list with a team and its people file.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_positional "teamctl" -eq 1' -fa 'demo' -d 'Run validate, refresh, plan, apply, a second plan and a usage report against a built-in emulator.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_positional "teamctl" -eq 1' -fa 'doctor' -d 'Check the config, key file, cache, facility and clock a first run needs; exit 1 on a problem.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_positional "teamctl" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl validate" today' -l 'today' -d 'The day to check end dates against, as YYYY-MM-DD (default: today in UTC).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl validate" format' -l 'format' -d 'Output format: text, or json (one document on standard output).' -rfka 'text json'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl validate" people-outside' -l 'people-outside' -d 'Let a team\'s \'people:\' file lie outside the team manifest\'s folder (for a team file you trust).'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl validate" version' -l 'version' -d 'Show the version.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl validate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl refresh"' -l 'file' -s 'f' -d 'A team manifest, or a folder of them, whose groups to read too (repeatable).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl refresh"' -l 'facility' -d 'With a team manifest (version 2): refresh this facility only (repeatable; default: all of the team\'s).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl refresh" profile' -l 'profile' -d 'The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl refresh" api-url' -l 'api-url' -d 'The SFAPI root URL (env TEAMCTL_API_URL; default https://api.nersc.gov/api/v1.2).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl refresh" token-url' -l 'token-url' -d 'The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https://oidc.nersc.gov/c2id/token).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl refresh" client-id' -l 'client-id' -d 'The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl refresh" key' -l 'key' -d 'The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default: ~/.superfacility/*).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl refresh" cache' -l 'cache' -d 'The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl refresh" concurrency' -l 'concurrency' -d 'Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl refresh" people-outside' -l 'people-outside' -d 'Let a team\'s \'people:\' file lie outside the team manifest\'s folder (for a team file you trust).'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl refresh" request-timeout' -l 'request-timeout' -d 'Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl refresh" max-response-bytes' -l 'max-response-bytes' -d 'The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl refresh" version' -l 'version' -d 'Show the version.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl refresh" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl status" profile' -l 'profile' -d 'The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl status" api-url' -l 'api-url' -d 'The SFAPI root URL (env TEAMCTL_API_URL; default https://api.nersc.gov/api/v1.2).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl status" token-url' -l 'token-url' -d 'The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https://oidc.nersc.gov/c2id/token).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl status" client-id' -l 'client-id' -d 'The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl status" key' -l 'key' -d 'The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default: ~/.superfacility/*).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl status" cache' -l 'cache' -d 'The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl status" concurrency' -l 'concurrency' -d 'Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl status" people-outside' -l 'people-outside' -d 'Let a team\'s \'people:\' file lie outside the team manifest\'s folder (for a team file you trust).'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl status" request-timeout' -l 'request-timeout' -d 'Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl status" max-response-bytes' -l 'max-response-bytes' -d 'The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl status" version' -l 'version' -d 'Show the version.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl plan"' -l 'file' -s 'f' -d 'Team manifest files or directories (repeatable).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl plan" out' -l 'out' -d 'Save the plan to this file (JSON, mode 0600) for \'teamctl apply PLANFILE\'.' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl plan" format' -l 'format' -d 'Output format: text, json or markdown.' -rfka 'text json markdown'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl plan" detailed-exitcode' -l 'detailed-exitcode' -d 'Exit 0 when in sync, 2 when there are changes to apply, 3 when only manual items remain.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl plan" no-refresh' -l 'no-refresh' -d 'Plan against the newest cached snapshot instead of reading the facility first.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl plan" max-removals' -l 'max-removals' -d 'Refuse plans with more membership removals than this (overrides the manifests\' max_removals).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl plan" today' -l 'today' -d 'The day to judge membership end dates against, YYYY-MM-DD (default: today in UTC).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl plan"' -l 'facility' -d 'With a team manifest (version 2): act on this facility only (repeatable; default: all of the team\'s).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl plan" profile' -l 'profile' -d 'The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl plan" api-url' -l 'api-url' -d 'The SFAPI root URL (env TEAMCTL_API_URL; default https://api.nersc.gov/api/v1.2).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl plan" token-url' -l 'token-url' -d 'The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https://oidc.nersc.gov/c2id/token).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl plan" client-id' -l 'client-id' -d 'The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl plan" key' -l 'key' -d 'The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default: ~/.superfacility/*).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl plan" cache' -l 'cache' -d 'The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl plan" concurrency' -l 'concurrency' -d 'Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl plan" people-outside' -l 'people-outside' -d 'Let a team\'s \'people:\' file lie outside the team manifest\'s folder (for a team file you trust).'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl plan" request-timeout' -l 'request-timeout' -d 'Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl plan" max-response-bytes' -l 'max-response-bytes' -d 'The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl plan" version' -l 'version' -d 'Show the version.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl plan" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl apply"' -l 'file' -s 'f' -d 'Team manifest files or directories (repeatable).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl apply" dry-run' -l 'dry-run' -d 'Show what would be sent, and send no change.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl apply" yes' -l 'yes' -d 'Do not ask for confirmation.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl apply" ignore-status' -l 'ignore-status' -d 'Apply even when the account system (iris) is not active.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl apply" max-removals' -l 'max-removals' -d 'Refuse plans with more membership removals than this (overrides the manifests\' max_removals).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl apply" today' -l 'today' -d 'The day to judge membership end dates against, YYYY-MM-DD (default: today in UTC).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl apply"' -l 'facility' -d 'With a team manifest (version 2): act on this facility only (repeatable; default: all of the team\'s).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl apply" profile' -l 'profile' -d 'The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl apply" api-url' -l 'api-url' -d 'The SFAPI root URL (env TEAMCTL_API_URL; default https://api.nersc.gov/api/v1.2).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl apply" token-url' -l 'token-url' -d 'The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https://oidc.nersc.gov/c2id/token).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl apply" client-id' -l 'client-id' -d 'The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl apply" key' -l 'key' -d 'The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default: ~/.superfacility/*).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl apply" cache' -l 'cache' -d 'The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl apply" concurrency' -l 'concurrency' -d 'Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl apply" people-outside' -l 'people-outside' -d 'Let a team\'s \'people:\' file lie outside the team manifest\'s folder (for a team file you trust).'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl apply" request-timeout' -l 'request-timeout' -d 'Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl apply" max-response-bytes' -l 'max-response-bytes' -d 'The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl apply" version' -l 'version' -d 'Show the version.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl apply" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl history" limit' -l 'limit' -d 'How many runs to list.' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl history" profile' -l 'profile' -d 'The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl history" api-url' -l 'api-url' -d 'The SFAPI root URL (env TEAMCTL_API_URL; default https://api.nersc.gov/api/v1.2).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl history" token-url' -l 'token-url' -d 'The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https://oidc.nersc.gov/c2id/token).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl history" client-id' -l 'client-id' -d 'The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl history" key' -l 'key' -d 'The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default: ~/.superfacility/*).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl history" cache' -l 'cache' -d 'The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl history" concurrency' -l 'concurrency' -d 'Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl history" people-outside' -l 'people-outside' -d 'Let a team\'s \'people:\' file lie outside the team manifest\'s folder (for a team file you trust).'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl history" request-timeout' -l 'request-timeout' -d 'Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl history" max-response-bytes' -l 'max-response-bytes' -d 'The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl history" version' -l 'version' -d 'Show the version.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl history" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl ack" note' -l 'note' -d 'A note to keep with the acknowledgement (who did it, a ticket).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl ack" profile' -l 'profile' -d 'The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl ack" api-url' -l 'api-url' -d 'The SFAPI root URL (env TEAMCTL_API_URL; default https://api.nersc.gov/api/v1.2).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl ack" token-url' -l 'token-url' -d 'The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https://oidc.nersc.gov/c2id/token).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl ack" client-id' -l 'client-id' -d 'The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl ack" key' -l 'key' -d 'The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default: ~/.superfacility/*).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl ack" cache' -l 'cache' -d 'The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl ack" concurrency' -l 'concurrency' -d 'Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl ack" people-outside' -l 'people-outside' -d 'Let a team\'s \'people:\' file lie outside the team manifest\'s folder (for a team file you trust).'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl ack" request-timeout' -l 'request-timeout' -d 'Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl ack" max-response-bytes' -l 'max-response-bytes' -d 'The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl ack" version' -l 'version' -d 'Show the version.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl ack" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage"' -l 'project' -d 'Only this project (repeatable).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage" since' -l 'since' -d 'Measure the burn rate from this day on, YYYY-MM-DD (default: the allocation year\'s start).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage" window' -l 'window' -d 'Fit the burn rate over snapshots spanning at least this many days; with less history, use the year\'s average.' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage" format' -l 'format' -d 'Output format: table, csv, json or html.' -rfka 'table csv json html'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage" out' -l 'out' -d 'Write the report to this file instead of standard output.' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage" warn-at' -l 'warn-at' -d 'Warn (exit 4) when a figure reaches this percentage or the allocation runs out before the year ends.' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage" warn-on-average' -l 'warn-on-average' -d 'With --warn-at, also warn on a run-out projected from the year-to-date average.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage" year-start-month' -l 'year-start-month' -d 'The month the allocation year starts, 1-12 (NERSC: 1).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage" refresh' -l 'refresh' -d 'Read the facility first, adding a snapshot.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage" f file' -l 'file' -s 'f' -d 'A team manifest (version 2): report every facility of it, and each person across them.' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage"' -l 'facility' -d 'With -f: only this facility of the team (repeatable; default: all of the team\'s).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage" profile' -l 'profile' -d 'The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage" api-url' -l 'api-url' -d 'The SFAPI root URL (env TEAMCTL_API_URL; default https://api.nersc.gov/api/v1.2).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage" token-url' -l 'token-url' -d 'The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https://oidc.nersc.gov/c2id/token).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage" client-id' -l 'client-id' -d 'The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage" key' -l 'key' -d 'The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default: ~/.superfacility/*).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage" cache' -l 'cache' -d 'The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage" concurrency' -l 'concurrency' -d 'Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage" people-outside' -l 'people-outside' -d 'Let a team\'s \'people:\' file lie outside the team manifest\'s folder (for a team file you trust).'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage" request-timeout' -l 'request-timeout' -d 'Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage" max-response-bytes' -l 'max-response-bytes' -d 'The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage" version' -l 'version' -d 'Show the version.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl usage" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl drift"' -l 'file' -s 'f' -d 'Team manifest files or directories (repeatable), or one team manifest.' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl drift" since' -l 'since' -d 'Only changes first seen on or after this day, YYYY-MM-DD (UTC).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl drift" format' -l 'format' -d 'Output format: text or json.' -rfka 'text json'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl drift" refresh' -l 'refresh' -d 'Read the facilities first, adding a snapshot, so the newest changes show.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl drift" max-removals' -l 'max-removals' -d 'Refuse plans with more membership removals than this (overrides the manifests\' max_removals).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl drift" today' -l 'today' -d 'The day to judge membership end dates against, YYYY-MM-DD (default: today in UTC).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl drift"' -l 'facility' -d 'With a team manifest (version 2): act on this facility only (repeatable; default: all of the team\'s).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl drift" profile' -l 'profile' -d 'The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl drift" api-url' -l 'api-url' -d 'The SFAPI root URL (env TEAMCTL_API_URL; default https://api.nersc.gov/api/v1.2).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl drift" token-url' -l 'token-url' -d 'The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https://oidc.nersc.gov/c2id/token).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl drift" client-id' -l 'client-id' -d 'The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl drift" key' -l 'key' -d 'The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default: ~/.superfacility/*).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl drift" cache' -l 'cache' -d 'The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl drift" concurrency' -l 'concurrency' -d 'Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl drift" people-outside' -l 'people-outside' -d 'Let a team\'s \'people:\' file lie outside the team manifest\'s folder (for a team file you trust).'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl drift" request-timeout' -l 'request-timeout' -d 'Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl drift" max-response-bytes' -l 'max-response-bytes' -d 'The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl drift" version' -l 'version' -d 'Show the version.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl drift" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl report" f file' -l 'file' -s 'f' -d 'The team manifest (version 2).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl report" out' -l 'out' -d 'Write the page to this file instead of standard output.' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl report" format' -l 'format' -d 'Output format: html or json.' -rfka 'html json'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl report" drift-days' -l 'drift-days' -d 'Show changes made outside teamctl in this many days before today.' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl report" refresh' -l 'refresh' -d 'Read the facilities first, adding a snapshot.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl report" max-removals' -l 'max-removals' -d 'Refuse plans with more membership removals than this (overrides the manifests\' max_removals).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl report" today' -l 'today' -d 'The day to judge membership end dates against, YYYY-MM-DD (default: today in UTC).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl report"' -l 'facility' -d 'With a team manifest (version 2): act on this facility only (repeatable; default: all of the team\'s).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl report" profile' -l 'profile' -d 'The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl report" api-url' -l 'api-url' -d 'The SFAPI root URL (env TEAMCTL_API_URL; default https://api.nersc.gov/api/v1.2).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl report" token-url' -l 'token-url' -d 'The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https://oidc.nersc.gov/c2id/token).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl report" client-id' -l 'client-id' -d 'The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl report" key' -l 'key' -d 'The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default: ~/.superfacility/*).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl report" cache' -l 'cache' -d 'The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl report" concurrency' -l 'concurrency' -d 'Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl report" people-outside' -l 'people-outside' -d 'Let a team\'s \'people:\' file lie outside the team manifest\'s folder (for a team file you trust).'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl report" request-timeout' -l 'request-timeout' -d 'Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl report" max-response-bytes' -l 'max-response-bytes' -d 'The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl report" version' -l 'version' -d 'Show the version.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl report" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl person" f file' -l 'file' -s 'f' -d 'The team manifest (version 2).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl person" format' -l 'format' -d 'Output format: text or json.' -rfka 'text json'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl person" max-removals' -l 'max-removals' -d 'Refuse plans with more membership removals than this (overrides the manifests\' max_removals).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl person" today' -l 'today' -d 'The day to judge membership end dates against, YYYY-MM-DD (default: today in UTC).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl person"' -l 'facility' -d 'With a team manifest (version 2): act on this facility only (repeatable; default: all of the team\'s).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl person" profile' -l 'profile' -d 'The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl person" api-url' -l 'api-url' -d 'The SFAPI root URL (env TEAMCTL_API_URL; default https://api.nersc.gov/api/v1.2).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl person" token-url' -l 'token-url' -d 'The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https://oidc.nersc.gov/c2id/token).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl person" client-id' -l 'client-id' -d 'The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl person" key' -l 'key' -d 'The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default: ~/.superfacility/*).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl person" cache' -l 'cache' -d 'The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl person" concurrency' -l 'concurrency' -d 'Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl person" people-outside' -l 'people-outside' -d 'Let a team\'s \'people:\' file lie outside the team manifest\'s folder (for a team file you trust).'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl person" request-timeout' -l 'request-timeout' -d 'Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl person" max-response-bytes' -l 'max-response-bytes' -d 'The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl person" version' -l 'version' -d 'Show the version.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl person" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl import" project' -l 'project' -d 'The facility project (repo name), e.g. m1234.' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl import" team' -l 'team' -d 'Import a team across facilities (manifest version 2) with this name; needs --facility.' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl import"' -l 'facility' -d 'With --team: a facility profile and the project there, as PROFILE=PROJECT (repeatable).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl import" people-output' -l 'people-output' -d 'With --team: write the people file here (the team manifest names it relative to itself).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl import" o output' -s 'o' -l 'output' -d 'Write the manifest here (default: standard output).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl import"' -l 'group' -d 'Only these groups (repeatable; default: every group you can see).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl import" no-refresh' -l 'no-refresh' -d 'Use the newest cached snapshot instead of reading the facility.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl import" force' -l 'force' -d 'Overwrite the output file if it exists.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl import" profile' -l 'profile' -d 'The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl import" api-url' -l 'api-url' -d 'The SFAPI root URL (env TEAMCTL_API_URL; default https://api.nersc.gov/api/v1.2).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl import" token-url' -l 'token-url' -d 'The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https://oidc.nersc.gov/c2id/token).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl import" client-id' -l 'client-id' -d 'The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl import" key' -l 'key' -d 'The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default: ~/.superfacility/*).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl import" cache' -l 'cache' -d 'The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl import" concurrency' -l 'concurrency' -d 'Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl import" people-outside' -l 'people-outside' -d 'Let a team\'s \'people:\' file lie outside the team manifest\'s folder (for a team file you trust).'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl import" request-timeout' -l 'request-timeout' -d 'Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl import" max-response-bytes' -l 'max-response-bytes' -d 'The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl import" version' -l 'version' -d 'Show the version.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl import" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl roster" version' -l 'version' -d 'Show the version.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl roster" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_positional "teamctl roster" -eq 1' -fa 'diff' -d 'Show who is on a CSV membership list but not in the team, and the other way round.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl roster diff" f file' -l 'file' -s 'f' -d 'The team manifest (version 2, naming its people file).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl roster diff" csv' -l 'csv' -d 'The collaboration\'s membership list, as CSV with a header row.' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl roster diff" id-column' -l 'id-column' -d 'The column holding each person\'s id in the people file.' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl roster diff" name-column' -l 'name-column' -d 'The column holding each person\'s full name.' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl roster diff" email-column' -l 'email-column' -d 'The column holding each person\'s email address.' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl roster diff"' -l 'account-column' -d 'The column holding usernames at a facility (repeatable).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl roster diff" mapping' -l 'mapping' -d 'A YAML file naming the columns: {id: C, name: C, email: C, accounts: {FACILITY: C}}.' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl roster diff" write' -l 'write' -d 'Edit the people file and the team manifest to match the list.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl roster diff" today' -l 'today' -d 'The day to judge end dates against, YYYY-MM-DD (default: today in UTC).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl roster diff" format' -l 'format' -d 'Output format: text, or json (one document on standard output).' -rfka 'text json'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl roster diff" detailed-exitcode' -l 'detailed-exitcode' -d 'Exit 0 when the list and the team agree, 2 when they differ (with --write: differed before it).'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl roster diff" version' -l 'version' -d 'Show the version.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl roster diff" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl demo" seed' -l 'seed' -d 'The emulator\'s seed file.' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl demo" manifest' -l 'manifest' -d 'The team manifest to apply.' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl demo" cache' -l 'cache' -d 'Keep the cache here instead of a temporary folder (it is reused if it exists).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl demo" today' -l 'today' -d 'The day the demo runs on, YYYY-MM-DD (default: 2026-11-25, the day the examples describe, so the demo shows the same on any day it is run).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl demo" multi' -l 'multi' -d 'Run one team across two facilities instead: examples/multi/team.yaml on the built-in emulator (NERSC) and a local Slurm accounting stack (frontier), started with \'scripts/slurm-stack up 24.11\'.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl demo" slurm-env' -l 'slurm-env' -d 'With --multi: the Slurm stack\'s stack.env (default: the first stack up under $TEAMCTL_SLURM_DIR).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl demo" page' -l 'page' -d 'With --multi: write the team page here at the end (as \'teamctl report -f TEAM --out FILE\').' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl demo" version' -l 'version' -d 'Show the version.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl demo" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl doctor" timeout' -l 'timeout' -d 'The longest wait for any one request, in seconds.' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl doctor" profile' -l 'profile' -d 'The facility profile from ~/.config/teamctl/config.yaml (env TEAMCTL_PROFILE).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl doctor" api-url' -l 'api-url' -d 'The SFAPI root URL (env TEAMCTL_API_URL; default https://api.nersc.gov/api/v1.2).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl doctor" token-url' -l 'token-url' -d 'The OAuth token endpoint (env TEAMCTL_TOKEN_URL; default https://oidc.nersc.gov/c2id/token).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl doctor" client-id' -l 'client-id' -d 'The SF API client id, when the key file does not hold it (env TEAMCTL_CLIENT_ID).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl doctor" key' -l 'key' -d 'The client key file, PEM or JWK .json, mode 0600 (env TEAMCTL_KEY; default: ~/.superfacility/*).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl doctor" cache' -l 'cache' -d 'The cache file (env TEAMCTL_CACHE; default $XDG_DATA_HOME/teamctl/cache.sqlite).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl doctor" concurrency' -l 'concurrency' -d 'Requests in flight at once (env TEAMCTL_CONCURRENCY; default 8).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl doctor" people-outside' -l 'people-outside' -d 'Let a team\'s \'people:\' file lie outside the team manifest\'s folder (for a team file you trust).'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl doctor" request-timeout' -l 'request-timeout' -d 'Seconds one request may take, connect to last byte (env TEAMCTL_REQUEST_TIMEOUT; default 60).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl doctor" max-response-bytes' -l 'max-response-bytes' -d 'The largest answer accepted, e.g. 128MiB (env TEAMCTL_MAX_RESPONSE_BYTES; default 32MiB).' -rfka ''
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl doctor" version' -l 'version' -d 'Show the version.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl doctor" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'teamctl' -n '__teamctl_should_offer_completions_for_flags_or_options "teamctl help" version' -l 'version' -d 'Show the version.'
