#include "storage/base/command_line_config.hpp"

#include "storage/base/command_line.hpp"
#include "storage/base/secret_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace doorpost {
namespace {

// The program and every subcommand under it (option groups included: they hold options too),
// but for the subcommands the file does not reach.
void everyApp(CLI::App* app, const ConfigRules& rules, std::vector<CLI::App*>& out) {
    out.push_back(app);
    for (CLI::App* sub : app->get_subcommands([](CLI::App*) { return true; })) {
        if (rules.untouched.count(sub->get_name()) == 0) {
            everyApp(sub, rules, out);
        }
    }
}

// The program and the subcommands the command line chose, outermost first.
void chosenApps(CLI::App* app, const ConfigRules& rules, std::vector<CLI::App*>& out) {
    out.push_back(app);
    for (CLI::App* sub : app->get_subcommands()) {
        if (rules.untouched.count(sub->get_name()) == 0) {
            chosenApps(sub, rules, out);
        }
    }
}

std::string modeText(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

// Whether a value meant to be a path holds key material instead (PEM text, several lines).
bool looksLikeKeyMaterial(std::string_view value) {
    return value.find('\n') != std::string_view::npos ||
           value.find("-----BEGIN") != std::string_view::npos;
}

// The options named `--name` in `apps` (a subcommand's own, not its children's).
std::vector<CLI::Option*> optionsNamed(const std::vector<CLI::App*>& apps,
                                       const std::string& name) {
    std::vector<CLI::Option*> found;
    for (CLI::App* app : apps) {
        if (CLI::Option* option = app->get_option_no_throw("--" + name); option != nullptr) {
            found.push_back(option);
        }
    }
    return found;
}

const SecretOption* secretNamed(const ConfigRules& rules, std::string_view name) {
    for (const auto& secret : rules.secrets) {
        if (secret.name == name) {
            return &secret;
        }
    }
    return nullptr;
}

bool isFlag(const CLI::Option* option) {
    return option->get_expected_max() == 0; // CLI11 marks flags with expected(0)
}

// Whether `value` may be a key at all, whatever subcommand runs. `tree` is every app.
Result<void> admissible(const ConfigFile& file, const ConfigValue& value, const ConfigRules& rules,
                        const std::vector<CLI::App*>& tree) {
    const std::string at = file.where(value) + ": " + value.key;
    if (rules.tables.count(value.key) != 0) {
        if (value.type != ConfigValue::Type::Table) {
            return badInput(at + ": expected a table ([" + value.key + ".NAME])");
        }
        return {};
    }
    if (value.type == ConfigValue::Type::Table) {
        return badInput(at + ": unknown section [" + value.key + "]");
    }
    if (secretNamed(rules, value.key) != nullptr) {
        return badInput(at + ": a secret is never written in a configuration file; use the " +
                        "credential " + value.key + " or " + value.key + "-file = \"FILE\"");
    }
    if (rules.secretPaths.count(value.key) != 0 && looksLikeKeyMaterial(value.text)) {
        return badInput(at + ": a secret is never written in a configuration file; name the " +
                        "file that holds it (" + value.key + " = \"FILE\") or use the " +
                        "credential " + value.key);
    }
    if (rules.commandLineOnly.count(value.key) != 0) {
        return badInput(at + ": given on the command line only, not in a configuration file");
    }
    if (optionsNamed(tree, value.key).empty()) {
        return badInput(at + ": unknown key (no option --" + value.key + ")");
    }
    if (value.type == ConfigValue::Type::Other) {
        return badInput(at + ": expected a string, an integer or true or false, not " +
                        std::string(configTypeName(value.type)));
    }
    if (rules.refuseValue) {
        if (auto reason = rules.refuseValue(value); reason) {
            return badInput(at + ": " + *reason);
        }
    }
    return {};
}

// Gives `option` the value as if typed after it; the option's own conversion and checks run.
Result<void> applyValue(CLI::Option* option, const ConfigFile& file, const ConfigValue& value) {
    const std::string at = file.where(value) + ": " + value.key;
    if (isFlag(option) && value.type != ConfigValue::Type::Boolean) {
        return badInput(at + ": expected true or false, not " +
                        std::string(configTypeName(value.type)));
    }
    if (!isFlag(option) && value.type == ConfigValue::Type::Boolean) {
        return badInput(at + ": expected a value, not true or false");
    }
    try {
        option->add_result(value.text);
        option->run_callback();
    } catch (const CLI::Error& error) {
        return badInput(at + " = " + value.text + ": " + error.what());
    }
    return {};
}

Result<void> applyFile(CLI::App& root, const std::string& path, const ConfigRules& rules) {
    auto file = readConfigFile(path);
    if (!file) {
        return file.error();
    }
    std::vector<CLI::App*> tree;
    everyApp(&root, rules, tree);
    std::vector<CLI::App*> chosen;
    chosenApps(&root, rules, chosen);
    for (const ConfigValue& value : file->values) {
        if (auto ok = admissible(*file, value, rules, tree); !ok) {
            return ok.error();
        }
        if (value.type == ConfigValue::Type::Table) {
            continue;
        }
        for (CLI::Option* option : optionsNamed(chosen, value.key)) {
            if (option->count() != 0) {
                continue; // the command line (or the option's environment variable) wins
            }
            if (auto ok = applyValue(option, *file, value); !ok) {
                return ok.error();
            }
        }
    }
    return {};
}

// The secret for `option` when the command line and environment left it unset: its -file, or
// the credential. Nothing when neither exists.
Result<std::optional<std::string>> findSecret(CLI::App* app, const SecretOption& secret) {
    if (!secret.environment.empty()) {
        if (const char* given = std::getenv(secret.environment.c_str());
            given != nullptr && *given != '\0') {
            return std::optional<std::string>{};
        }
    }
    CLI::Option* fileOption = app->get_option_no_throw("--" + secret.name + "-file");
    if (fileOption != nullptr && fileOption->count() != 0) {
        auto text = readSecretFile(fileOption->as<std::string>(), secret.name + "-file");
        if (!text) {
            return text.error();
        }
        return std::optional<std::string>{std::move(*text)};
    }
    return readCredential(secret.name);
}

Result<void> applySecrets(CLI::App& root, const ConfigRules& rules) {
    std::vector<CLI::App*> chosen;
    chosenApps(&root, rules, chosen);
    for (CLI::App* app : chosen) {
        for (const SecretOption& secret : rules.secrets) {
            CLI::Option* option = app->get_option_no_throw("--" + secret.name);
            if (option == nullptr || option->count() != 0) {
                continue;
            }
            auto found = findSecret(app, secret);
            if (!found) {
                return found.error();
            }
            if (!found->has_value()) {
                continue;
            }
            try {
                option->add_result(**found);
                option->run_callback();
            } catch (const CLI::Error&) {
                // The value itself stays out of the message: it is a secret.
                return badInput(secret.name + ": the secret's value is not a valid --" +
                                secret.name);
            }
        }
    }
    return {};
}

// Path options still unset take the credential's file: systemd copied it, readable by this
// service only, into $CREDENTIALS_DIRECTORY.
Result<void> applyCredentialPaths(CLI::App& root, const ConfigRules& rules) {
    const char* directory = std::getenv("CREDENTIALS_DIRECTORY");
    if (rules.credentialPaths.empty() || directory == nullptr || *directory == '\0') {
        return {};
    }
    std::vector<CLI::App*> chosen;
    chosenApps(&root, rules, chosen);
    for (const std::string& name : rules.credentialPaths) {
        const std::string path = std::string(directory) + "/" + name;
        if (::access(path.c_str(), F_OK) != 0) {
            continue; // each credential is optional in the unit
        }
        for (CLI::Option* option : optionsNamed(chosen, name)) {
            if (option->count() != 0) {
                continue; // the command line or the file named another one
            }
            try {
                option->add_result(path);
                option->run_callback();
            } catch (const CLI::Error& error) {
                return badInput("credential " + name + ": " + error.what());
            }
        }
    }
    return {};
}

// A secret's file that `config check` finds readable by others: the key may already be out.
Result<void> checkSecretPath(const ConfigFile& file, const ConfigValue& value) {
    struct stat status {};
    if (::stat(value.text.c_str(), &status) != 0) {
        return badInput(file.where(value) + ": " + value.key + ": " + value.text + ": " +
                        std::strerror(errno));
    }
    if ((status.st_mode & (S_IROTH | S_IWOTH)) != 0) {
        return badInput(file.where(value) + ": " + value.key + ": " + value.text +
                        ": readable by others (mode " + modeText(status.st_mode) +
                        "); make it 0600, or 0640 for a group of readers");
    }
    return {};
}

} // namespace

void installCommandLineConfig(CLI::App& root, const std::string& configPath, ConfigRules rules) {
    std::vector<CLI::App*> tree;
    everyApp(&root, rules, tree);
    for (CLI::App* app : tree) {
        for (const SecretOption& secret : rules.secrets) {
            if (app->get_option_no_throw("--" + secret.name) == nullptr ||
                app->get_option_no_throw("--" + secret.name + "-file") != nullptr) {
                continue;
            }
            app->add_option("--" + secret.name + "-file")
                ->type_name("FILE")
                ->description("Read --" + secret.name +
                              " from FILE, readable by its owner only (default: the systemd "
                              "credential " +
                              secret.name + ")");
        }
    }
    auto shared = std::make_shared<ConfigRules>(std::move(rules));
    // Runs inside root.parse(): after every option of the command line and the environment is
    // stored, before the first subcommand callback, so a subcommand sees the merged options.
    root.parse_complete_callback([&root, &configPath, shared] {
        Result<void> applied;
        if (!configPath.empty()) {
            applied = applyFile(root, configPath, *shared);
        }
        if (applied) {
            applied = applyCredentialPaths(root, *shared);
        }
        if (applied) {
            applied = applySecrets(root, *shared);
        }
        if (!applied) {
            throw CLI::RuntimeError(reportError(shared->program, applied.error()));
        }
    });
}

Result<void> checkConfigFile(CLI::App& root, const ConfigFile& file, const ConfigRules& rules) {
    std::vector<CLI::App*> tree;
    everyApp(&root, rules, tree);
    for (const ConfigValue& value : file.values) {
        if (auto ok = admissible(file, value, rules, tree); !ok) {
            return ok.error();
        }
        if (value.type == ConfigValue::Type::Table) {
            continue;
        }
        for (CLI::Option* option : optionsNamed(tree, value.key)) {
            option->clear();
            if (auto ok = applyValue(option, file, value); !ok) {
                return ok.error();
            }
        }
        if (rules.secretPaths.count(value.key) != 0) {
            if (auto ok = checkSecretPath(file, value); !ok) {
                return ok.error();
            }
        }
        // A secret's file: its mode and content are checked now, not at the door.
        for (const SecretOption& secret : rules.secrets) {
            if (value.key == secret.name + "-file") {
                auto text = readSecretFile(value.text, value.key);
                if (!text) {
                    return badInput(file.where(value) + ": " + text.error().message);
                }
            }
        }
    }
    return {};
}

void addConfigCheckCommand(CLI::App& root, ConfigRules rules, int& exitCode,
                           ConfigTextCheck extra) {
    CLI::App* config =
        root.add_subcommand("config", "The configuration file (/etc/doorpost/*.toml)");
    config->require_subcommand(1);
    CLI::App* check = config->add_subcommand(
        "check", "Check a configuration file: every key an option, every value valid; a bad one "
                 "is named with its line (exit 2)");
    auto path = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    check->add_option("FILE", *path, "The file, e.g. " + rules.shippedFile)->required();
    check->add_flag("--json", *json, "Print one JSON object");
    auto shared = std::make_shared<ConfigRules>(std::move(rules));
    check->callback([&root, &exitCode, path, json, shared, extra = std::move(extra)] {
        const auto failed = [&](const Error& error) {
            exitCode = reportError(shared->program, error);
        };
        auto text = readConfigText(*path);
        if (!text) {
            return failed(text.error());
        }
        auto file = parseConfigText(*text, *path);
        if (!file) {
            return failed(file.error());
        }
        if (auto checked = checkConfigFile(root, *file, *shared); !checked) {
            return failed(checked.error());
        }
        if (extra) {
            if (auto checked = extra(*path, *text); !checked) {
                return failed(checked.error());
            }
        }
        if (*json) {
            printJsonLine({{"file", *path}, {"ok", true}, {"keys", file->values.size()}});
        } else {
            std::cout << *path << ": ok (" << file->values.size() << " keys)\n";
        }
        exitCode = kExitOk;
    });
}

} // namespace doorpost
