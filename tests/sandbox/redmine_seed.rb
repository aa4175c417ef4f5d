# Seed the sandbox Redmine (idempotent).  Run from /usr/share/redmine:
#   SEED_KEY_FILE=DIR/secrets/redmine.key RAILS_ENV=production bin/rails runner redmine_seed.rb
# Creates: REST API on, login required, admin user "ceres" (API key written to
# SEED_KEY_FILE, mode 0600), projects "ops" and "infra", three issues (one with
# unicode and an ANSI escape in its subject) and one journal comment.

ActiveRecord::Base.transaction do
  Setting.rest_api_enabled = '1'
  Setting.login_required = '1'

  u = User.find_by_login('ceres')
  unless u
    u = User.new(firstname: 'Ceres', lastname: 'Operator', mail: 'ceres@ceres.local')
    u.login = 'ceres'
    u.password = u.password_confirmation = 'ceres-sandbox-pw'
    u.admin = true
    u.save!
  end
  key = u.api_key # creates the token if missing

  trackers = Tracker.order(:position).to_a
  raise 'no trackers: Redmine default data not loaded' if trackers.empty?
  priority = IssuePriority.default || IssuePriority.active.first
  status = IssueStatus.order(:position).first

  projects = {}
  [['ops', 'Ops'], ['infra', 'Infra']].each do |ident, name|
    projects[ident] = Project.find_by_identifier(ident) ||
      Project.create!(name: name, identifier: ident, is_public: true,
                      description: "Ceres #{name} (sandbox)",
                      enabled_module_names: %w[issue_tracking],
                      tracker_ids: trackers.map(&:id))
  end

  demo = ENV['SANDBOX_PROFILE'] == 'demo'
  subjects = if demo
    # The demo's story (demo.sh): the team's open work of the morning.
    [
      ['ops', 'ceres-db01: PostgreSQL refuses connections (too many clients)'],
      ['ops', 'Renew the wiki.ceres.example certificate with the wiki migration'],
      ['infra', 'Rotate Keycloak signing keys'],
    ]
  else
    [
      ['ops', 'Disk /var on ceres-db01 above 90%'],
      ['ops', "Größe der Logs prüfen – \e[31mrot\e[0m 🚨 日本語 ✅"],
      ['infra', 'Rotate Keycloak signing keys'],
    ]
  end
  issues = subjects.map do |ident, subject|
    p = projects[ident]
    Issue.find_by(project_id: p.id, subject: subject) ||
      Issue.create!(project: p, tracker: p.trackers.first, author: u, subject: subject,
                    description: demo ? 'Opened from the on-call channel.' : 'Created by the ceres-top sandbox seed.',
                    priority: priority, status: status)
  end

  first = Issue.find(issues.first.id)
  unless first.journals.where.not(notes: [nil, '']).exists?
    first.init_journal(u, demo ?
      "Gitea, Keycloak and Nextcloud log \"too many clients already\" since the " \
      "max_connections change in ceres/infra (200 -> 100). Reverting it; " \
      "DatabaseConnectionPoolExhausted should clear after the restart." :
      'Cleaned /var/log/journal, now at 71%. Keeping an eye on it.')
    first.save!
  end

  if (path = ENV['SEED_KEY_FILE']) && !path.empty?
    File.open(path, File::WRONLY | File::CREAT | File::TRUNC, 0o600) { |f| f.write(key + "\n") }
    File.chmod(0o600, path)
  end
  puts "seed ok: user=ceres projects=#{projects.keys.join(',')} issues=#{issues.map(&:id).join(',')}"
end
